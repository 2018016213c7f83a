/**
 * Depth of submitted objects (detection boxes or points) read from the full-size depth map, and
 * their order from nearest to farthest. The model gives relative inverse depth: larger = nearer.
 */
import type { DepthMap } from './types.ts';

export interface Box {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

export interface BoxObject {
  readonly kind: 'box';
  readonly box: Box;
  readonly label?: string;
  readonly classId?: number;
  readonly confidence?: number;
}

export interface PointObject {
  readonly kind: 'point';
  readonly point: { readonly x: number; readonly y: number };
  readonly label?: string;
}

export type DepthObject = BoxObject | PointObject;

export type SampledObject = DepthObject & {
  /** Position in the submitted list. */
  readonly index: number;
  /** Median depth inside the box (points: of the 5x5 neighbourhood). */
  readonly medianDepth: number;
  /** Depth at the box centre (points: the 5x5 median). */
  readonly centerDepth: number;
  /** 0 for the nearest object. */
  readonly rank: number;
};

/** Half side of the neighbourhood a point is read from (5x5). */
export const POINT_NEIGHBOURHOOD_RADIUS = 2;

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** k-th smallest value (0-based) of `values`, reordering it in place (Hoare's quickselect). */
function selectInPlace(values: Float32Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  while (left < right) {
    const pivot = values[(left + right) >> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const tmp = values[i]!;
        values[i] = values[j]!;
        values[j] = tmp;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return values[k]!;
  }
  return values[k]!;
}

/** Median (mean of the two middle values for an even count); reorders `values`. */
export function medianInPlace(values: Float32Array): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const upper = selectInPlace(values, values.length >> 1);
  if (values.length % 2 === 1) return upper;
  return (selectInPlace(values, (values.length >> 1) - 1) + upper) / 2;
}

/** Median of the pixels whose centres lie in the rectangle, clipped to the map (at least one pixel). */
export function medianInRect(map: DepthMap, rect: Box): number {
  const x0 = clamp(Math.round(rect.x1), 0, map.width - 1);
  const y0 = clamp(Math.round(rect.y1), 0, map.height - 1);
  const x1 = clamp(Math.round(rect.x2), x0 + 1, map.width);
  const y1 = clamp(Math.round(rect.y2), y0 + 1, map.height);
  const values = new Float32Array((x1 - x0) * (y1 - y0));
  let n = 0;
  for (let y = y0; y < y1; y++) {
    const row = y * map.width;
    for (let x = x0; x < x1; x++) values[n++] = map.data[row + x]!;
  }
  return medianInPlace(values);
}

/** Value of the pixel containing image point (x, y), clamped to the map. */
export function valueAt(map: DepthMap, x: number, y: number): number {
  const col = clamp(Math.floor(x), 0, map.width - 1);
  const row = clamp(Math.floor(y), 0, map.height - 1);
  return map.data[row * map.width + col]!;
}

function sampleOne(map: DepthMap, object: DepthObject): { medianDepth: number; centerDepth: number } {
  if (object.kind === 'point') {
    const col = clamp(Math.floor(object.point.x), 0, map.width - 1);
    const row = clamp(Math.floor(object.point.y), 0, map.height - 1);
    const r = POINT_NEIGHBOURHOOD_RADIUS;
    const median = medianInRect(map, { x1: col - r, y1: row - r, x2: col + r + 1, y2: row + r + 1 });
    return { medianDepth: median, centerDepth: median };
  }
  const { box } = object;
  return {
    medianDepth: medianInRect(map, box),
    centerDepth: valueAt(map, (box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2),
  };
}

/** Samples every object and returns them nearest first (ties keep the submitted order). */
export function sampleObjectsNearestFirst(map: DepthMap, objects: readonly DepthObject[]): SampledObject[] {
  const sampled = objects.map((object, index) => ({ object, index, ...sampleOne(map, object) }));
  sampled.sort((a, b) => b.medianDepth - a.medianDepth || a.index - b.index);
  return sampled.map(({ object, index, medianDepth, centerDepth }, rank) => ({
    ...object,
    index,
    medianDepth,
    centerDepth,
    rank,
  }));
}
