/**
 * Model input size for an image, as the Depth Anything (DPT) processor computes it with
 * `keep_aspect_ratio` and `ensure_multiple_of: 14`: scale by whichever of the two side ratios is
 * nearer 1 (so the side nearer the target lands on it), then round each side to a multiple of 14
 * with banker's rounding, like huggingface/transformers.js `constraint_to_multiple_of`.
 */
import type { HeightWidth } from './types.ts';

export interface TargetSizeOptions {
  /** Target side (the processor's `size`), 518 for Depth Anything V2. */
  readonly size: number;
  /** Patch size every side must be a multiple of (14 for ViT-S/14). */
  readonly multiple: number;
  /**
   * Upper bound on the longer side. The processor alone would make a thin panorama thousands of
   * pixels long (attention cost grows with the square of the patch count), so it is capped here.
   */
  readonly maxSide: number;
}

export const DEFAULT_TARGET_SIZE_OPTIONS: TargetSizeOptions = Object.freeze({
  size: 518,
  multiple: 14,
  maxSide: 1036,
});

/** Round half to even, as Python's `round` and transformers.js `bankers_round`. */
export function bankersRound(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function constrainToMultipleOf(value: number, multiple: number, maxValue: number): number {
  const ratio = value / multiple;
  let side = bankersRound(ratio) * multiple;
  if (side > maxValue) side = Math.floor(ratio) * multiple;
  // A side never drops below one patch.
  return Math.max(multiple, side);
}

/** Input size for a model with dynamic height/width. */
export function computeDynamicTargetSize(
  [height, width]: HeightWidth,
  options: TargetSizeOptions = DEFAULT_TARGET_SIZE_OPTIONS,
): HeightWidth {
  if (!(height > 0 && width > 0)) throw new RangeError(`image size must be positive, got ${height}x${width}`);
  const scaleHeight = options.size / height;
  const scaleWidth = options.size / width;
  let scale = Math.abs(1 - scaleWidth) < Math.abs(1 - scaleHeight) ? scaleWidth : scaleHeight;
  const longest = Math.max(height, width) * scale;
  if (longest > options.maxSide) scale *= options.maxSide / longest;
  const maxValue = Math.floor(options.maxSide / options.multiple) * options.multiple;
  return [
    constrainToMultipleOf(height * scale, options.multiple, maxValue),
    constrainToMultipleOf(width * scale, options.multiple, maxValue),
  ];
}

/**
 * Input size for the model: its fixed size when both spatial axes are numbers (a static export),
 * else the aspect-preserving multiple-of-14 size.
 */
export function computeTargetSize(
  imageSize: HeightWidth,
  modelSpatialDims: readonly [number | string, number | string],
  options: TargetSizeOptions = DEFAULT_TARGET_SIZE_OPTIONS,
): HeightWidth {
  const [fixedHeight, fixedWidth] = modelSpatialDims;
  if (
    typeof fixedHeight === 'number' &&
    typeof fixedWidth === 'number' &&
    fixedHeight > 0 &&
    fixedWidth > 0
  ) {
    return [fixedHeight, fixedWidth];
  }
  return computeDynamicTargetSize(imageSize, options);
}
