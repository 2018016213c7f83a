/**
 * Depth estimation use case: preprocess -> run -> postprocess, then the requested output. This file
 * only orchestrates; the steps are pure functions (./processing) or adapters passed in as ports.
 */
import { performance } from 'node:perf_hooks';
import type { DepthOptions, OutputFormat } from './depth-options.ts';
import { type ColormapName, getColormap } from './processing/colormaps.ts';
import { computeDepthStats, type DepthStats } from './processing/depth-stats.ts';
import { colorizeDepth, depthToUint16 } from './processing/encode-depth.ts';
import { normalizePixelsToNchw, type Pixels } from './processing/normalize-pixels.ts';
import { resizeDepthBilinear } from './processing/resize-depth.ts';
import { type SampledObject, sampleObjectsNearestFirst } from './processing/sample-objects.ts';
import { computeTargetSize, type TargetSizeOptions } from './processing/target-size.ts';
import type { DepthMap, HeightWidth } from './processing/types.ts';

/** What the use case needs from the outside world. */
export interface DepthPorts {
  /** Model input `[height, width]` axes as declared (numbers when fixed). */
  readonly inputSpatialDims: readonly [number | string, number | string];
  readonly targetSize: TargetSizeOptions;
  resizePixels(pixels: Pixels, size: HeightWidth): Promise<Pixels>;
  infer(pixelValues: Float32Array, size: HeightWidth): Promise<DepthMap>;
  encodeRgbPng(rgb: Uint8Array, width: number, height: number): Promise<Buffer>;
  encodeGrey16Png(values: Uint16Array, width: number, height: number): Promise<Buffer>;
}

export interface DepthTimings {
  decodeMs: number;
  preprocessMs: number;
  inferenceMs: number;
  postprocessMs: number;
  encodeMs: number;
  totalMs: number;
}

export interface DepthEstimate {
  /** Original image size (after EXIF orientation). */
  readonly image: { readonly width: number; readonly height: number };
  /** Size the model ran at, `[height, width]`. */
  readonly inputSize: HeightWidth;
  /** Relative inverse depth at the original image size (larger = nearer). */
  readonly depth: DepthMap;
  readonly stats: DepthStats;
  readonly objects?: SampledObject[];
  readonly timings: DepthTimings;
}

export interface EncodedDepth {
  readonly format: OutputFormat;
  readonly mimeType: 'image/png' | 'application/octet-stream';
  readonly body: Buffer;
}

function since(start: number): number {
  return Math.round((performance.now() - start) * 100) / 100;
}

/** Runs the model on decoded pixels and brings its output back to the image's size. */
export async function estimateDepth(
  ports: DepthPorts,
  pixels: Pixels,
  options: Pick<DepthOptions, 'objects'>,
  decodeMs = 0,
): Promise<DepthEstimate> {
  const started = performance.now();
  let mark = started;
  const inputSize = computeTargetSize(
    [pixels.height, pixels.width],
    ports.inputSpatialDims,
    ports.targetSize,
  );
  const resized = await ports.resizePixels(pixels, inputSize);
  const pixelValues = normalizePixelsToNchw(resized);
  const preprocessMs = since(mark);

  mark = performance.now();
  const modelDepth = await ports.infer(pixelValues, inputSize);
  const inferenceMs = since(mark);

  mark = performance.now();
  const depth = resizeDepthBilinear(modelDepth, pixels.width, pixels.height);
  const stats = computeDepthStats(depth.data);
  const objects = options.objects ? sampleObjectsNearestFirst(depth, options.objects) : undefined;
  const postprocessMs = since(mark);

  return {
    image: { width: pixels.width, height: pixels.height },
    inputSize,
    depth,
    stats,
    ...(objects ? { objects } : {}),
    timings: {
      decodeMs,
      preprocessMs,
      inferenceMs,
      postprocessMs,
      encodeMs: 0,
      totalMs: decodeMs + since(started),
    },
  };
}

/** Encodes the estimate as requested; adds the encoding time to its timings. */
export async function encodeDepth(
  ports: Pick<DepthPorts, 'encodeRgbPng' | 'encodeGrey16Png'>,
  estimate: DepthEstimate,
  format: OutputFormat,
  colormap: ColormapName,
): Promise<EncodedDepth> {
  const started = performance.now();
  const { depth, stats } = estimate;
  let encoded: EncodedDepth;
  if (format === 'raw') {
    // Float32Array is little-endian on every platform Node supports (x64, arm64).
    const body = Buffer.from(depth.data.buffer, depth.data.byteOffset, depth.data.byteLength);
    encoded = { format, mimeType: 'application/octet-stream', body };
  } else if (format === 'png16') {
    const body = await ports.encodeGrey16Png(
      depthToUint16(depth.data, stats.min, stats.max),
      depth.width,
      depth.height,
    );
    encoded = { format, mimeType: 'image/png', body };
  } else {
    const rgb = colorizeDepth(depth.data, stats.min, stats.max, getColormap(colormap));
    encoded = {
      format,
      mimeType: 'image/png',
      body: await ports.encodeRgbPng(rgb, depth.width, depth.height),
    };
  }
  const encodeMs = since(started);
  estimate.timings.encodeMs = encodeMs;
  estimate.timings.totalMs = Math.round((estimate.timings.totalMs + encodeMs) * 100) / 100;
  return encoded;
}
