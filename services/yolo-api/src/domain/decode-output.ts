/**
 * Raw YOLO output -> scored candidate boxes, pure. Layout is detected from the output shape.
 */
import type { OutputLayout } from './types.ts';

export interface Candidates {
  /** x1, y1, x2, y2 per candidate, in model-input pixels. */
  boxes: Float32Array;
  scores: Float32Array;
  classIds: Int32Array;
  count: number;
}

/**
 * `[1, 4+C, N]` -> v8 (channels first, N anchors is the long axis); `[1, N, 5+C]` -> v5.
 * With a known class count the channel count decides; otherwise the shorter axis is the channel axis.
 */
export function detectOutputLayout(
  dims: readonly number[],
  classCount?: number,
): { layout: OutputLayout; classes: number; anchors: number } {
  if (dims.length !== 3 || dims[0] !== 1)
    throw new Error(`unexpected YOLO output shape [${dims.join(', ')}]`);
  const a = dims[1]!;
  const b = dims[2]!;
  if (classCount !== undefined) {
    if (a === 4 + classCount) return { layout: 'v8', classes: classCount, anchors: b };
    if (b === 5 + classCount) return { layout: 'v5', classes: classCount, anchors: a };
  }
  if (a < b) {
    if (a <= 4) throw new Error(`YOLO output [${dims.join(', ')}] has no class channels`);
    return { layout: 'v8', classes: a - 4, anchors: b };
  }
  if (b <= 5) throw new Error(`YOLO output [${dims.join(', ')}] has no class channels`);
  return { layout: 'v5', classes: b - 5, anchors: a };
}

/**
 * Best class per anchor with score >= threshold (classes outside `allowed` are skipped).
 * v8 reads class-major (contiguous in memory); v5 multiplies objectness by the class score.
 */
export function decodeCandidates(
  data: Float32Array,
  dims: readonly number[],
  threshold: number,
  allowed?: ReadonlySet<number>,
  classCount?: number,
): Candidates & { layout: OutputLayout } {
  const { layout, classes, anchors } = detectOutputLayout(dims, classCount);
  const bestScore = new Float32Array(anchors);
  const bestClass = new Int32Array(anchors).fill(-1);
  const classOk = (c: number) => !allowed || allowed.has(c);
  if (layout === 'v8') {
    for (let c = 0; c < classes; c++) {
      if (!classOk(c)) continue;
      const base = (4 + c) * anchors;
      for (let i = 0; i < anchors; i++) {
        const s = data[base + i]!;
        if (s > bestScore[i]!) {
          bestScore[i] = s;
          bestClass[i] = c;
        }
      }
    }
  } else {
    const stride = 5 + classes;
    for (let i = 0; i < anchors; i++) {
      const row = i * stride;
      const objectness = data[row + 4]!;
      if (objectness < threshold) continue;
      for (let c = 0; c < classes; c++) {
        if (!classOk(c)) continue;
        const s = objectness * data[row + 5 + c]!;
        if (s > bestScore[i]!) {
          bestScore[i] = s;
          bestClass[i] = c;
        }
      }
    }
  }
  // A broken or adversarial model can emit NaN or Infinity; such a box is no candidate (it would
  // reach the answer as null corners, or take a maxDetections slot).
  const boxIsFinite = (i: number): boolean => {
    if (layout === 'v8') {
      return (
        Number.isFinite(data[i]!) &&
        Number.isFinite(data[anchors + i]!) &&
        Number.isFinite(data[2 * anchors + i]!) &&
        Number.isFinite(data[3 * anchors + i]!)
      );
    }
    const row = i * (5 + classes);
    return (
      Number.isFinite(data[row]!) &&
      Number.isFinite(data[row + 1]!) &&
      Number.isFinite(data[row + 2]!) &&
      Number.isFinite(data[row + 3]!)
    );
  };
  const isCandidate = (i: number) => bestClass[i]! >= 0 && bestScore[i]! >= threshold && boxIsFinite(i);
  let count = 0;
  for (let i = 0; i < anchors; i++) if (isCandidate(i)) count++;
  const boxes = new Float32Array(count * 4);
  const scores = new Float32Array(count);
  const classIds = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < anchors; i++) {
    if (!isCandidate(i)) continue;
    let cx: number;
    let cy: number;
    let w: number;
    let h: number;
    if (layout === 'v8') {
      cx = data[i]!;
      cy = data[anchors + i]!;
      w = data[2 * anchors + i]!;
      h = data[3 * anchors + i]!;
    } else {
      const row = i * (5 + classes);
      cx = data[row]!;
      cy = data[row + 1]!;
      w = data[row + 2]!;
      h = data[row + 3]!;
    }
    boxes[k * 4] = cx - w / 2;
    boxes[k * 4 + 1] = cy - h / 2;
    boxes[k * 4 + 2] = cx + w / 2;
    boxes[k * 4 + 3] = cy + h / 2;
    scores[k] = bestScore[i]!;
    classIds[k] = bestClass[i]!;
    k++;
  }
  return { boxes, scores, classIds, count, layout };
}
