import { queryOptions } from '@tanstack/react-query';
import { apiPaths } from '@/config/paths.ts';
import { apiClient } from '@/lib/api-client.ts';
import type { Colormap, DepthBoxInput, DepthResponse } from '../types.ts';

export async function estimateDepth(
  image: File,
  options: { colormap: Colormap; boxes: DepthBoxInput[] },
  signal?: AbortSignal,
): Promise<DepthResponse> {
  const form = new FormData();
  form.append('image', image, image.name);
  form.append('colormap', options.colormap);
  form.append('format', 'json');
  if (options.boxes.length > 0) form.append('boxes', JSON.stringify(options.boxes));
  return apiClient.postForm<DepthResponse>(apiPaths.depth, form, signal);
}

export const depthQueryKey = (imageId: string, colormap: Colormap) => ['depth', imageId, colormap] as const;

/** Enabled once the boxes are known: the depth answer ranks exactly the detected objects. */
export function depthQueryOptions(
  imageId: string,
  image: File,
  colormap: Colormap,
  boxes: DepthBoxInput[] | undefined,
) {
  return queryOptions({
    queryKey: depthQueryKey(imageId, colormap),
    // No abort signal, as for detection: an answer still wanted elsewhere is not sent twice.
    queryFn: () => estimateDepth(image, { colormap, boxes: boxes ?? [] }),
    enabled: boxes !== undefined,
  });
}
