import { useQuery } from '@tanstack/react-query';
import { depthQueryOptions } from '@/features/depth/api/estimate-depth.ts';
import type { Colormap } from '@/features/depth/types.ts';
import { detectionQueryOptions } from '@/features/detection/api/detect-objects.ts';
import type { QueuedImage } from './use-image-queue.ts';

/** Detection first, then depth with the detected boxes, so depth can rank the same objects. */
export function useAnalysis(image: QueuedImage, colormap: Colormap) {
  const detection = useQuery(detectionQueryOptions(image.id, image.file));
  const depth = useQuery(depthQueryOptions(image.id, image.file, colormap, detection.data?.detections));
  return { detection, depth };
}
