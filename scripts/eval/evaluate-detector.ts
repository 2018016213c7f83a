/**
 * Runs a labelled image folder through the yolo-api detection pipeline (the same `createYoloDetector`
 * the service uses) and scores it with COCO-style mAP.
 */
import { readFile } from 'node:fs/promises';
import { createYoloDetector } from '@mlip/yolo-api';
import {
  computeMeanAp,
  type GroundTruth,
  type MapResult,
  type ScoredDetection,
} from './average-precision.ts';
import { listLabelledImages, parseYoloLabels, readLabelFile } from './yolo-labels.ts';

/** Evaluation settings of the Ultralytics validator. */
export const EVAL_DETECT_OPTIONS = Object.freeze({ confidence: 0.001, iou: 0.7, maxDetections: 300 });

export interface EvaluateOptions {
  modelPath: string;
  imagesDir: string;
  labelsDir: string;
  limit?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface EvaluationReport extends MapResult {
  images: number;
  groundTruth: number;
  detections: number;
  meanInferenceMs: number;
  meanTotalMs: number;
  wallSeconds: number;
}

export async function evaluateDetector(options: EvaluateOptions): Promise<EvaluationReport> {
  const started = performance.now();
  const all = await listLabelledImages(options.imagesDir, options.labelsDir);
  const images = options.limit ? all.slice(0, options.limit) : all;
  if (images.length === 0) throw new Error(`no images in ${options.imagesDir}`);
  const detector = await createYoloDetector({ modelPath: options.modelPath });
  const truths: GroundTruth[] = [];
  const detections: ScoredDetection[] = [];
  let inferenceMs = 0;
  let totalMs = 0;
  try {
    for (const [index, image] of images.entries()) {
      const result = await detector.detect(await readFile(image.imagePath), EVAL_DETECT_OPTIONS);
      inferenceMs += result.timings.inferenceMs;
      totalMs += result.timings.totalMs;
      const size = [result.image.height, result.image.width] as const;
      truths.push(...parseYoloLabels(await readLabelFile(image.labelPath), image.id, size));
      for (const d of result.detections) {
        detections.push({ imageId: image.id, classId: d.classId, score: d.confidence, box: d.box });
      }
      options.onProgress?.(index + 1, images.length);
    }
  } finally {
    await detector.dispose();
  }
  return {
    ...computeMeanAp(detections, truths),
    images: images.length,
    groundTruth: truths.length,
    detections: detections.length,
    meanInferenceMs: inferenceMs / images.length,
    meanTotalMs: totalMs / images.length,
    wallSeconds: (performance.now() - started) / 1000,
  };
}
