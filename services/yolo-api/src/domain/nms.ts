/** Class-wise greedy non-maximum suppression over typed arrays, pure. */
import type { Candidates } from './decode-output.ts';

export function iou(boxes: Float32Array, a: number, b: number): number {
  const ax1 = boxes[a * 4]!;
  const ay1 = boxes[a * 4 + 1]!;
  const ax2 = boxes[a * 4 + 2]!;
  const ay2 = boxes[a * 4 + 3]!;
  const bx1 = boxes[b * 4]!;
  const by1 = boxes[b * 4 + 1]!;
  const bx2 = boxes[b * 4 + 2]!;
  const by2 = boxes[b * 4 + 3]!;
  const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Indices of the kept candidates, highest score first. A box is suppressed only by a higher-scored
 * kept box of the same class with IoU > `iouThreshold`. Stops at `maxDetections`.
 */
export function nonMaxSuppression(
  candidates: Candidates,
  iouThreshold: number,
  maxDetections: number,
): number[] {
  const order = Array.from({ length: candidates.count }, (_, i) => i).sort(
    (a, b) => candidates.scores[b]! - candidates.scores[a]!,
  );
  const keptByClass = new Map<number, number[]>();
  const kept: number[] = [];
  for (const index of order) {
    if (kept.length >= maxDetections) break;
    const cls = candidates.classIds[index]!;
    const sameClass = keptByClass.get(cls);
    if (sameClass?.some((k) => iou(candidates.boxes, k, index) > iouThreshold)) continue;
    kept.push(index);
    if (sameClass) sameClass.push(index);
    else keptByClass.set(cls, [index]);
  }
  return kept;
}
