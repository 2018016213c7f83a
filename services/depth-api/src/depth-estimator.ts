/**
 * The depth estimator as one object: loads the model once (service-kit's ONNX session), reads its
 * signature, and turns image bytes into a depth estimate. The HTTP service, benchmarks and load
 * tests all use it.
 */
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MODELS } from '@mlip/catalogue';
import {
  decodeImage,
  describeModelFile,
  loadOnnxModel,
  type OnnxModel,
  type OnnxSessionConfig,
  type TensorDescription,
} from '@mlip/service-kit';
import { encodeGrey16Png, encodeRgbPng, resizePixels } from './adapters/depth-image-codec.ts';
import { type DepthModelSignature, readDepthModelSignature, runDepthModel } from './adapters/depth-model.ts';
import type { DepthOptions } from './domain/depth-options.ts';
import {
  type DepthEstimate,
  type DepthPorts,
  type EncodedDepth,
  encodeDepth,
  estimateDepth,
} from './domain/estimate-depth.ts';
import {
  computeTargetSize,
  DEFAULT_TARGET_SIZE_OPTIONS,
  type TargetSizeOptions,
} from './domain/processing/target-size.ts';

export interface DepthEstimatorOptions {
  readonly modelPath: string;
  readonly session?: Partial<OnnxSessionConfig>;
  /** Largest image (width x height) accepted by the decoder. */
  readonly maxPixels?: number;
  readonly targetSize?: Partial<TargetSizeOptions>;
}

export interface DepthModelInfo {
  readonly name: string;
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly inputs: readonly TensorDescription[];
  readonly outputs: readonly TensorDescription[];
  readonly loadedAt: string;
  readonly loadMs: number;
  readonly dynamic: boolean;
  /** Input size `[height, width]` for a square image of the target size (the fixed size of a static model). */
  readonly inputSize: readonly [number, number];
  /** Whether the file is byte-for-byte the catalogue's pinned model (false for the generated test model). */
  readonly matchesCatalogue: boolean;
}

export interface DepthResult {
  readonly estimate: DepthEstimate;
  /** The requested output; for `json` the colourised PNG that gets embedded. */
  readonly encoded: EncodedDepth;
}

export interface DepthEstimator {
  readonly info: DepthModelInfo;
  readonly signature: DepthModelSignature;
  /** Decodes `image` (EXIF-rotated) and estimates depth; encodes as `options.format` (json: colourised PNG). */
  estimate(image: Buffer, options?: Partial<DepthOptions>): Promise<DepthResult>;
  dispose(): Promise<void>;
}

const DEFAULT_SESSION: OnnxSessionConfig = {
  intraOpThreads: 0,
  interOpThreads: 1,
  graphOptimizationLevel: 'all',
  device: 'cpu',
  allowSpinning: false,
};

const DEFAULT_MAX_PIXELS = 40_000_000;

function modelNameOf(file: string): string {
  return basename(file).replace(/\.onnx$/i, '');
}

export async function createDepthEstimator(options: DepthEstimatorOptions): Promise<DepthEstimator> {
  const started = performance.now();
  const model: OnnxModel = await loadOnnxModel(options.modelPath, { ...DEFAULT_SESSION, ...options.session });
  try {
    const signature = readDepthModelSignature(model);
    const targetSize = { ...DEFAULT_TARGET_SIZE_OPTIONS, ...options.targetSize };
    const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
    const ports: DepthPorts = {
      inputSpatialDims: signature.inputSpatialDims,
      targetSize,
      resizePixels,
      infer: (pixelValues, size) => runDepthModel(model, signature, pixelValues, size),
      encodeRgbPng,
      encodeGrey16Png,
    };
    const inputSize = computeTargetSize(
      [targetSize.size, targetSize.size],
      signature.inputSpatialDims,
      targetSize,
    );

    // Warm-up: the first run allocates ORT's buffers; doing it here keeps it out of the first request.
    const [warmHeight, warmWidth] = inputSize;
    await ports.infer(new Float32Array(3 * warmHeight * warmWidth), inputSize);

    const file = await describeModelFile(options.modelPath);
    const info: DepthModelInfo = {
      name: modelNameOf(options.modelPath),
      file: file.file,
      sha256: file.sha256,
      bytes: file.bytes,
      inputs: model.inputs,
      outputs: model.outputs,
      loadedAt: new Date().toISOString(),
      loadMs: Math.round((performance.now() - started) * 10) / 10,
      dynamic: signature.dynamic,
      inputSize,
      matchesCatalogue: file.sha256 === MODELS.depth.sha256,
    };

    return {
      info,
      signature,
      async estimate(image, requested = {}) {
        const decodeStart = performance.now();
        const rgb = await decodeImage(image, { maxPixels });
        const decodeMs = Math.round((performance.now() - decodeStart) * 100) / 100;
        const pixels = { data: rgb.data, width: rgb.width, height: rgb.height, channels: 3 };
        const estimate = await estimateDepth(ports, pixels, { objects: requested.objects }, decodeMs);
        const format = requested.format ?? 'json';
        const encoded = await encodeDepth(ports, estimate, format, requested.colormap ?? 'inferno');
        return { estimate, encoded };
      },
      dispose: () => model.dispose(),
    };
  } catch (error) {
    await model.dispose();
    throw error;
  }
}
