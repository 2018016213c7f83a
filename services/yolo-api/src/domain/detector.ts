/**
 * The detection pipeline: decode -> preprocess (letterbox) -> run -> postprocess. This file only
 * orchestrates; the pure steps live next to it and the image/model adapters come from service-kit.
 */
import { basename } from 'node:path';
import {
  decodeImage,
  decodeImageResized,
  describeModelFile,
  loadOnnxModel,
  type OnnxModel,
  type OnnxSessionConfig,
  type RgbImage,
} from '@mlip/service-kit';
import { readOnnxMetadata } from '../adapters/onnx-metadata.ts';
import { COCO80_CLASS_NAMES, parseUltralyticsNames } from './class-names.ts';
import { detectOutputLayout } from './decode-output.ts';
import { computeLetterbox, LETTERBOX_PAD_VALUE, type Letterbox, packLetterboxTensor } from './letterbox.ts';
import { postprocessDetections } from './postprocess.ts';
import {
  DEFAULT_DETECT_OPTIONS,
  type DetectionResult,
  type DetectOptions,
  type OutputLayout,
} from './types.ts';

export interface YoloDetectorOptions {
  modelPath: string;
  session?: Partial<OnnxSessionConfig>;
  /** Pixel limit of decoded images (decompression bombs). */
  maxPixels?: number;
  /** Input size used when the model's input dims are dynamic. */
  fallbackInputSize?: number;
}

export interface YoloModelInfo {
  name: string;
  file: string;
  sha256: string;
  bytes: number;
  inputs: OnnxModel['inputs'];
  outputs: OnnxModel['outputs'];
  inputSize: [number, number];
  layout: OutputLayout;
  classes: readonly string[];
  classNamesSource: 'model-metadata' | 'coco80-default';
  metadata: Record<string, string>;
}

export interface YoloDetector {
  readonly info: YoloModelInfo;
  /** Image bytes (any supported format) -> the contract's result. */
  detect(image: Buffer, options?: Partial<DetectOptions>): Promise<DetectionResult>;
  /** Same, also returning the decoded image (for annotation). */
  detectWithImage(
    image: Buffer,
    options?: Partial<DetectOptions>,
  ): Promise<{ result: DetectionResult; image: RgbImage }>;
  dispose(): Promise<void>;
}

/** Default ORT settings for this service on small CPUs. */
export const DEFAULT_SESSION_CONFIG: OnnxSessionConfig = Object.freeze({
  intraOpThreads: 0,
  interOpThreads: 1,
  graphOptimizationLevel: 'all',
  device: 'cpu',
  allowSpinning: false,
});

const since = (start: number) => Math.round((performance.now() - start) * 100) / 100;

export async function createYoloDetector(options: YoloDetectorOptions): Promise<YoloDetector> {
  const metadata = await readOnnxMetadata(options.modelPath);
  const fileInfo = await describeModelFile(options.modelPath);
  const onnx = await loadOnnxModel(options.modelPath, { ...DEFAULT_SESSION_CONFIG, ...options.session });
  try {
    const input = onnx.inputs[0];
    const output = onnx.outputs[0];
    if (!input || !output) throw new Error('model has no input or output');
    const dim = (d: number | string | undefined) =>
      typeof d === 'number' && d > 0 ? d : (options.fallbackInputSize ?? 640);
    const inputSize: [number, number] = [dim(input.shape[2]), dim(input.shape[3])];
    const modelNames = metadata.names ? parseUltralyticsNames(metadata.names) : undefined;
    const classes = modelNames ?? COCO80_CLASS_NAMES;
    const outDims = output.shape.map((d) => (typeof d === 'number' ? d : -1));
    const layout = outDims.every((d) => d > 0) ? detectOutputLayout(outDims, classes.length).layout : 'v8';
    const info: YoloModelInfo = {
      name: basename(options.modelPath).replace(/\.onnx$/i, ''),
      file: basename(options.modelPath),
      sha256: fileInfo.sha256,
      bytes: fileInfo.bytes,
      inputs: onnx.inputs,
      outputs: onnx.outputs,
      inputSize,
      layout,
      classes,
      classNamesSource: modelNames ? 'model-metadata' : 'coco80-default',
      metadata,
    };
    const maxPixels = options.maxPixels ?? 40_000_000;
    const tensors = createTensorPool(3 * inputSize[0] * inputSize[1]);

    /** Letterbox tensor -> model -> detections; `decodeMs` covers whatever decoding the caller did. */
    const inferAndPostprocess = async (
      size: { width: number; height: number },
      lb: Letterbox,
      resized: RgbImage,
      opts: DetectOptions,
      decodeMs: number,
      started: number,
    ): Promise<DetectionResult> => {
      const t1 = performance.now();
      const buffer = tensors.acquire();
      let preprocessMs: number;
      let inferenceMs: number;
      let outputs: Awaited<ReturnType<OnnxModel['run']>>;
      try {
        const tensor = packLetterboxTensor(resized.data, lb, LETTERBOX_PAD_VALUE, buffer);
        preprocessMs = since(t1);
        const t2 = performance.now();
        outputs = await onnx.run({
          [input.name]: { data: tensor, dims: [1, 3, inputSize[0], inputSize[1]] },
        });
        inferenceMs = since(t2);
      } finally {
        tensors.release(buffer);
      }
      const t3 = performance.now();
      const raw = outputs[output.name];
      if (!raw || !(raw.data instanceof Float32Array))
        throw new Error(`model output ${output.name} is not float32`);
      const { detections, layout: seen } = postprocessDetections(
        { data: raw.data, dims: raw.dims },
        lb,
        opts,
        classes,
      );
      const postprocessMs = since(t3);
      return {
        model: { name: info.name, inputSize, layout: seen },
        image: { width: size.width, height: size.height },
        detections,
        timings: { decodeMs, preprocessMs, inferenceMs, postprocessMs, totalMs: since(started) },
      };
    };
    const letterboxFor = (size: { width: number; height: number }) =>
      computeLetterbox([size.height, size.width], inputSize);

    /**
     * The model input exactly as `detect` makes it (fused decode + resize of the stored pixels), so
     * both routes answer the same boxes. `decodeMs` includes the resize.
     */
    const decodeModelInput = async (bytes: Buffer) => {
      let lb: Letterbox | undefined;
      const decoded = await decodeImageResized(bytes, { maxPixels, ignoreIccProfile: true }, (size) => {
        lb = letterboxFor(size);
        return { width: lb.resized[1], height: lb.resized[0] };
      });
      return { decoded, lb: lb! };
    };

    /**
     * Also decodes the full image, colour-managed, for drawing on (in parallel with the model
     * input's decode; `decodeMs` covers both).
     */
    const detectWithImage: YoloDetector['detectWithImage'] = async (bytes, opts) => {
      const started = performance.now();
      const [image, { decoded, lb }] = await Promise.all([
        decodeImage(bytes, { maxPixels }),
        decodeModelInput(bytes),
      ]);
      const result = await inferAndPostprocess(
        decoded,
        lb,
        decoded.resized,
        { ...DEFAULT_DETECT_OPTIONS, ...opts },
        since(started),
        started,
      );
      return { result, image };
    };

    /** Decode and resize fused in sharp (shrink-on-load). */
    const detect: YoloDetector['detect'] = async (bytes, opts) => {
      const started = performance.now();
      const { decoded, lb } = await decodeModelInput(bytes);
      return inferAndPostprocess(
        decoded,
        lb,
        decoded.resized,
        { ...DEFAULT_DETECT_OPTIONS, ...opts },
        since(started),
        started,
      );
    };

    return {
      info,
      detectWithImage,
      detect,
      dispose: () => onnx.dispose(),
    };
  } catch (error) {
    await onnx.dispose();
    throw error;
  }
}

/**
 * Input tensors reused across requests (one per request in flight, a few kept): allocating a fresh
 * 4.9 MB Float32Array per request cost more than filling it (page faults, GC). A buffer goes back
 * only after `session.run` has returned, so no two requests ever share one.
 */
function createTensorPool(length: number, keep = 4) {
  const free: Float32Array[] = [];
  return {
    acquire: (): Float32Array => free.pop() ?? new Float32Array(length),
    release(buffer: Float32Array): void {
      if (free.length < keep) free.push(buffer);
    },
  };
}
