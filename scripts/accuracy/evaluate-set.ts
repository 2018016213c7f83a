/**
 * Scores one labelled image folder with the evaluator of `pnpm eval:coco` (scripts/eval): the
 * yolo-api detection pipeline (`createYoloDetector`, as the service runs it) and COCO-style mAP.
 */
import { MODELS } from '@mlip/catalogue';
import { findModel } from '../bench/bench-models.ts';
import { EVAL_DETECT_OPTIONS, evaluateDetector } from '../eval/evaluate-detector.ts';

export interface SetEvaluator {
  description: string;
  evaluate(set: { imagesDir: string; labelsDir: string; limit?: number | undefined }): Promise<{
    images: number;
    map50: number;
    map5095: number;
  }>;
}

export function createSetEvaluator(): SetEvaluator {
  const modelPath = findModel(MODELS.yolo.file);
  if (!modelPath) throw new Error(`YOLO model ${MODELS.yolo.file} not found`);
  const o = EVAL_DETECT_OPTIONS;
  return {
    description: `yolo-api pipeline with ${MODELS.yolo.file} (confidence ${o.confidence}, NMS IoU ${o.iou}, at most ${o.maxDetections} boxes), mAP from scripts/eval`,
    async evaluate(set) {
      const report = await evaluateDetector({ modelPath, ...set });
      return { images: report.images, map50: report.map50, map5095: report.map50to95 };
    },
  };
}
