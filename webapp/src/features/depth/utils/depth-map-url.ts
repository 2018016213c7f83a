import type { DepthResponse } from '../types.ts';

export function depthMapDataUrl(depth: DepthResponse): string {
  return `data:${depth.depthMap.mimeType};base64,${depth.depthMap.base64}`;
}

/** Objects nearest first, keeping only those whose submitted index is visible. */
export function orderObjectsByDistance(depth: DepthResponse, visibleIndices?: ReadonlySet<number>) {
  return [...(depth.objects ?? [])]
    .filter((o) => visibleIndices === undefined || visibleIndices.has(o.index))
    .sort((a, b) => a.rank - b.rank);
}
