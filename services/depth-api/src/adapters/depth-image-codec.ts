/**
 * sharp-backed pixel work of the depth service: resizing decoded pixels to the model input and
 * encoding depth maps as PNG (8-bit RGB colourised, or 16-bit grey). Decoding itself (EXIF, pixel
 * limits) is service-kit's image adapter.
 */
import sharp from 'sharp';
import type { Pixels } from '../domain/processing/normalize-pixels.ts';
import type { HeightWidth } from '../domain/processing/types.ts';

/**
 * Resizes to exactly `[height, width]` (no letterbox: the processor stretches to the multiple-of-14
 * size). Bicubic like the upstream processor (`resample: 3`); sharp's `cubic` is Catmull-Rom.
 */
export async function resizePixels(pixels: Pixels, [height, width]: HeightWidth): Promise<Pixels> {
  const { data, info } = await sharp(pixels.data, {
    raw: { width: pixels.width, height: pixels.height, channels: pixels.channels as 3 | 4 },
  })
    .removeAlpha()
    .resize(width, height, { fit: 'fill', kernel: 'cubic' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

export function encodeRgbPng(rgb: Uint8Array, width: number, height: number): Promise<Buffer> {
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .png({ compressionLevel: 6 })
    .toBuffer();
}

/** 16-bit greyscale PNG; sharp reads the sample depth from the typed array (Uint16Array: ushort). */
export function encodeGrey16Png(values: Uint16Array, width: number, height: number): Promise<Buffer> {
  return sharp(values, { raw: { width, height, channels: 1 } })
    .toColourspace('grey16')
    .png({ compressionLevel: 6 })
    .toBuffer();
}
