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

/** Box fields compared on a score tie: y1, x1, then y2, x2. */
const TIE_BREAK_FIELDS = [1, 0, 3, 2] as const;

/**
 * Candidate order: highest score first; equal scores by content (class, then top-left, then
 * bottom-right corner), never by position, so the kept set does not depend on the order the
 * candidates came in (a stable sort on score alone kept whichever tied box came first).
 */

function byScoreThenContent(c: Candidates): (a: number, b: number) => number {
  return (a, b) => {
    const byScore = c.scores[b]! - c.scores[a]!;
    if (byScore !== 0) return byScore;
    const byClass = c.classIds[a]! - c.classIds[b]!;
    if (byClass !== 0) return byClass;
    for (const k of TIE_BREAK_FIELDS) {
      const byCorner = c.boxes[a * 4 + k]! - c.boxes[b * 4 + k]!;
      if (byCorner !== 0) return byCorner;
    }
    return 0;
  };
}

/**
 * Indices of the kept candidates, highest score first. A box is suppressed only by a kept box of the
 * same class, scored at least as high, with IoU > `iouThreshold`. Stops at `maxDetections`.
 */
export function nonMaxSuppression(
  candidates: Candidates,
  iouThreshold: number,
  maxDetections: number,
): number[] {
  const order = Array.from({ length: candidates.count }, (_, i) => i).sort(byScoreThenContent(candidates));
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
