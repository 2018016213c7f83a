import type { DepthResponse } from '@/features/depth/types.ts';
import type { DetectionResponse, IndexedDetection } from '@/features/detection/types.ts';
import type { DetectionFilter } from '@/features/detection/utils/filter-detections.ts';

/** What "Download results" saves: both answers, the filter in use, and no base64 image payload. */
export function buildResultsJson(input: {
  fileName: string;
  detection: DetectionResponse;
  depth: DepthResponse | undefined;
  filter: DetectionFilter;
  visible: IndexedDetection[];
}): string {
  const depth = input.depth && {
    ...input.depth,
    depthMap: { ...input.depth.depthMap, base64: undefined },
  };
  return JSON.stringify(
    {
      fileName: input.fileName,
      filter: { minConfidence: input.filter.minConfidence, hiddenLabels: [...input.filter.hiddenLabels] },
      visibleDetections: input.visible,
      detection: input.detection,
      depth,
    },
    null,
    2,
  );
}
