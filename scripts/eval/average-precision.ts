/**
 * COCO-style detection metrics, pure: greedy matching by score per image and class, 101-point
 * interpolated AP per class, mean over the classes that have ground truth, IoU thresholds
 * 0.50:0.05:0.95. (The official evaluator also handles crowd regions and area ranges; YOLO labels
 * carry neither, so they are not modelled here.)
 */

export interface EvalBox {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface GroundTruth {
  imageId: string;
  classId: number;
  box: EvalBox;
}

export interface ScoredDetection extends GroundTruth {
  score: number;
}

export const COCO_IOU_THRESHOLDS: readonly number[] = Object.freeze(
  Array.from({ length: 10 }, (_, i) => Math.round((0.5 + i * 0.05) * 100) / 100),
);

export function boxIou(a: EvalBox, b: EvalBox): number {
  const iw = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
  const ih = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * 101-point interpolated AP from detections already sorted by score (true/false positive flags)
 * and the number of ground-truth boxes.
 */
export function interpolatedAp(truePositive: readonly boolean[], groundTruthCount: number): number {
  if (groundTruthCount === 0) return Number.NaN;
  const n = truePositive.length;
  const recall = new Float64Array(n);
  const precision = new Float64Array(n);
  let tp = 0;
  for (let i = 0; i < n; i++) {
    if (truePositive[i]) tp++;
    recall[i] = tp / groundTruthCount;
    precision[i] = tp / (i + 1);
  }
  // Precision envelope: the best precision at this recall or beyond.
  for (let i = n - 2; i >= 0; i--) precision[i] = Math.max(precision[i]!, precision[i + 1]!);
  let sum = 0;
  let k = 0;
  for (let r = 0; r <= 100; r++) {
    const target = r / 100;
    while (k < n && recall[k]! < target - 1e-12) k++;
    if (k < n) sum += precision[k]!;
  }
  return sum / 101;
}

/** True-positive flags of one class's detections (sorted by score) at one IoU threshold. */
function matchClass(
  detections: readonly ScoredDetection[],
  truthByImage: ReadonlyMap<string, readonly GroundTruth[]>,
  threshold: number,
): boolean[] {
  const used = new Map<string, boolean[]>();
  return detections.map((det) => {
    const truths = truthByImage.get(det.imageId);
    if (!truths) return false;
    let flags = used.get(det.imageId);
    if (!flags) {
      flags = truths.map(() => false);
      used.set(det.imageId, flags);
    }
    let best = -1;
    let bestIou = threshold;
    for (let g = 0; g < truths.length; g++) {
      if (flags[g]) continue;
      const value = boxIou(det.box, truths[g]!.box);
      if (value >= bestIou) {
        bestIou = value;
        best = g;
      }
    }
    if (best < 0) return false;
    flags[best] = true;
    return true;
  });
}

export interface MapResult {
  map50: number;
  map50to95: number;
  /** AP@0.5 and AP@0.5:0.95 per class id that has ground truth. */
  perClass: Record<number, { ap50: number; ap50to95: number; groundTruth: number; detections: number }>;
}

export function computeMeanAp(
  detections: readonly ScoredDetection[],
  truths: readonly GroundTruth[],
): MapResult {
  const classes = [...new Set(truths.map((t) => t.classId))].sort((a, b) => a - b);
  const perClass: MapResult['perClass'] = {};
  for (const classId of classes) {
    const classTruths = truths.filter((t) => t.classId === classId);
    const truthByImage = new Map<string, GroundTruth[]>();
    for (const t of classTruths) truthByImage.set(t.imageId, [...(truthByImage.get(t.imageId) ?? []), t]);
    const classDetections = detections.filter((d) => d.classId === classId).sort((a, b) => b.score - a.score);
    const aps = COCO_IOU_THRESHOLDS.map((threshold) =>
      interpolatedAp(matchClass(classDetections, truthByImage, threshold), classTruths.length),
    );
    perClass[classId] = {
      ap50: aps[0]!,
      ap50to95: aps.reduce((a, b) => a + b, 0) / aps.length,
      groundTruth: classTruths.length,
      detections: classDetections.length,
    };
  }
  const values = Object.values(perClass);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
  return { map50: mean(values.map((v) => v.ap50)), map50to95: mean(values.map((v) => v.ap50to95)), perClass };
}
