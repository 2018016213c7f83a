/**
 * The detection pipeline: decode -> preprocess (letterbox) -> run -> postprocess. This file only
 * orchestrates; the pure steps live next to it and the image/model adapters come from service-kit.
 */
import { basename } from 'node:path';
import {
  decodeImage,
  describeModelFile,
  loadOnnxModel,
  type OnnxModel,
  type OnnxSessionConfig,
  type RgbImage,
  resizeRgb,
} from '@mlip/service-kit';
import { readOnnxMetadata } from '../adapters/onnx-metadata.ts';
import { COCO80_CLASS_NAMES, parseUltralyticsNames } from './class-names.ts';
import { detectOutputLayout } from './decode-output.ts';
import { computeLetterbox, packLetterboxTensor } from './letterbox.ts';
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

    const detectDecoded = async (image: RgbImage, opts: DetectOptions, decodeMs: number, started: number) => {
      const t1 = performance.now();
      const lb = computeLetterbox([image.height, image.width], inputSize);
      const resized = await resizeRgb(image, lb.resized[1], lb.resized[0]);
      const tensor = packLetterboxTensor(resized.data, lb);
      const preprocessMs = since(t1);
      const t2 = performance.now();
      const outputs = await onnx.run({
        [input.name]: { data: tensor, dims: [1, 3, inputSize[0], inputSize[1]] },
      });
      const inferenceMs = since(t2);
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
      const result: DetectionResult = {
        model: { name: info.name, inputSize, layout: seen },
        image: { width: image.width, height: image.height },
        detections,
        timings: { decodeMs, preprocessMs, inferenceMs, postprocessMs, totalMs: since(started) },
      };
      return result;
    };

    const detectWithImage: YoloDetector['detectWithImage'] = async (bytes, opts) => {
      const started = performance.now();
      const image = await decodeImage(bytes, { maxPixels });
      const decodeMs = since(started);
      const result = await detectDecoded(image, { ...DEFAULT_DETECT_OPTIONS, ...opts }, decodeMs, started);
      return { result, image };
    };

    return {
      info,
      detectWithImage,
      detect: async (bytes, opts) => (await detectWithImage(bytes, opts)).result,
      dispose: () => onnx.dispose(),
    };
  } catch (error) {
    await onnx.dispose();
    throw error;
  }
}
