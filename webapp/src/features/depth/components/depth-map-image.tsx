import type { CSSProperties } from 'react';
import type { DepthResponse } from '../types.ts';
import { depthMapDataUrl } from '../utils/depth-map-url.ts';

export function DepthMapImage({
  depth,
  className,
  style,
}: {
  depth: DepthResponse;
  className?: string;
  style?: CSSProperties;
}) {
  return (
    <img
      src={depthMapDataUrl(depth)}
      width={depth.depthMap.width}
      height={depth.depthMap.height}
      alt={`Depth map (${depth.depthMap.colormap}): brighter is nearer`}
      data-testid="depth-map"
      className={className}
      style={style}
    />
  );
}
