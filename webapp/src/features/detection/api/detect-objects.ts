import { queryOptions } from '@tanstack/react-query';
import { apiPaths } from '@/config/paths.ts';
import { apiClient } from '@/lib/api-client.ts';
import type { DetectionResponse } from '../types.ts';

/**
 * Detection is requested once per image at this low threshold; the confidence slider and class
 * filter then work on the answer locally, so moving them never sends a new request.
 */
export const DETECTION_REQUEST_CONFIDENCE = 0.1;

export async function detectObjects(image: File, signal?: AbortSignal): Promise<DetectionResponse> {
  const form = new FormData();
  form.append('image', image, image.name);
  form.append('confidence', String(DETECTION_REQUEST_CONFIDENCE));
  return apiClient.postForm<DetectionResponse>(apiPaths.detect, form, signal);
}

export const detectionQueryKey = (imageId: string) => ['detection', imageId] as const;

export function detectionQueryOptions(imageId: string, image: File) {
  return queryOptions({
    queryKey: detectionQueryKey(imageId),
    // No abort signal on purpose: when the detail view unmounts while the gallery still wants the
    // answer, TanStack Query would cancel the in-flight request and send it again.
    queryFn: () => detectObjects(image),
  });
}
