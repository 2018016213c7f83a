/**
 * Interleaved 8-bit pixels (HWC, RGB or RGBA) to the model's NCHW float32 tensor data, with the
 * ImageNet mean/std normalisation of the Depth Anything processor: `(p / 255 - mean) / std`.
 */
export const IMAGENET_MEAN = Object.freeze([0.485, 0.456, 0.406] as const);
export const IMAGENET_STD = Object.freeze([0.229, 0.224, 0.225] as const);

export interface Pixels {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** 3 (RGB) or 4 (RGBA; alpha ignored). */
  readonly channels: number;
}

export function normalizePixelsToNchw(
  pixels: Pixels,
  mean: readonly number[] = IMAGENET_MEAN,
  std: readonly number[] = IMAGENET_STD,
): Float32Array {
  const { data, width, height, channels } = pixels;
  if (channels < 3) throw new RangeError(`expected RGB or RGBA pixels, got ${channels} channel(s)`);
  const plane = width * height;
  if (data.length !== plane * channels) {
    throw new RangeError(`pixel buffer has ${data.length} bytes, expected ${plane * channels}`);
  }
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    // One multiply-add per value: (p / 255 - m) / s = p * (1 / (255 s)) - m / s.
    const scale = 1 / (255 * std[c]!);
    const shift = mean[c]! / std[c]!;
    const offset = c * plane;
    for (let i = 0, src = c; i < plane; i++, src += channels) {
      out[offset + i] = data[src]! * scale - shift;
    }
  }
  return out;
}
