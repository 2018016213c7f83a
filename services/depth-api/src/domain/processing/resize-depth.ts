/**
 * Bilinear resize of a depth map (half-pixel centres, `align_corners=false`), as the upstream
 * post-processing interpolates `predicted_depth` back to the original image size.
 */
import type { DepthMap } from './types.ts';

function axisWeights(srcSize: number, dstSize: number): { lo: Int32Array; hi: Int32Array; t: Float32Array } {
  const lo = new Int32Array(dstSize);
  const hi = new Int32Array(dstSize);
  const t = new Float32Array(dstSize);
  const scale = srcSize / dstSize;
  for (let d = 0; d < dstSize; d++) {
    const src = Math.min(Math.max((d + 0.5) * scale - 0.5, 0), srcSize - 1);
    const l = Math.floor(src);
    lo[d] = l;
    hi[d] = Math.min(l + 1, srcSize - 1);
    t[d] = src - l;
  }
  return { lo, hi, t };
}

export function resizeDepthBilinear(source: DepthMap, width: number, height: number): DepthMap {
  if (!(width > 0 && height > 0))
    throw new RangeError(`target size must be positive, got ${width}x${height}`);
  if (source.data.length !== source.width * source.height) {
    throw new RangeError(
      `depth map has ${source.data.length} values, expected ${source.width * source.height}`,
    );
  }
  if (source.width === width && source.height === height) return source;
  const xs = axisWeights(source.width, width);
  const ys = axisWeights(source.height, height);
  const src = source.data;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row0 = ys.lo[y]! * source.width;
    const row1 = ys.hi[y]! * source.width;
    const ty = ys.t[y]!;
    for (let x = 0; x < width; x++) {
      const x0 = xs.lo[x]!;
      const x1 = xs.hi[x]!;
      const tx = xs.t[x]!;
      const top = src[row0 + x0]! + (src[row0 + x1]! - src[row0 + x0]!) * tx;
      const bottom = src[row1 + x0]! + (src[row1 + x1]! - src[row1 + x0]!) * tx;
      out[y * width + x] = top + (bottom - top) * ty;
    }
  }
  return { data: out, width, height };
}
