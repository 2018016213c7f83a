/**
 * The image adapter: the only place sharp reads client bytes. Sniffs the format from magic bytes,
 * refuses decompression bombs before decoding, applies EXIF orientation, takes the first frame,
 * flattens alpha and converts any colour model / bit depth to 8-bit sRGB RGB.
 */
import sharp from 'sharp';
import { apiError } from './errors.ts';
import { readJpegHeader } from './jpeg-header.ts';

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif';

/** Raw 8-bit RGB pixels, row-major HWC. */
export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

const ascii = (bytes: Buffer, start: number, end: number) => bytes.toString('latin1', start, end);

/** Format from the first bytes, or undefined when it is none that we decode. */
export function sniffImageFormat(bytes: Buffer): ImageFormat | undefined {
  if (bytes.length < 12) return undefined;
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.readUInt32BE(0) === 0x89504e47 && bytes.readUInt32BE(4) === 0x0d0a1a0a) return 'png';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  const tiff = ascii(bytes, 0, 4);
  if (tiff === 'II*\u0000' || tiff === 'MM\u0000*') return 'tiff';
  // ISO-BMFF `ftyp` box: sharp's prebuilt libvips decodes AV1 (AVIF) but not HEVC (HEIC).
  if (ascii(bytes, 4, 8) === 'ftyp' && ['avif', 'avis'].includes(ascii(bytes, 8, 12))) return 'avif';
  return undefined;
}

export interface DecodeOptions {
  maxPixels: number;
  /**
   * Take the stored RGB values as they are instead of converting from an embedded ICC profile to
   * sRGB. For model input: Ultralytics trains and validates on `cv2.imread` pixels, which ignore
   * ICC profiles, and the conversion (lcms, run even when the profile is sRGB itself) cost ~5 ms per
   * COCO photo that carries a profile (47 % of val2017). Pixels only change where the profile is
   * not sRGB. Off by default: images shown to people stay colour-managed.
   */
  ignoreIccProfile?: boolean;
}

const sharpInput = (options: DecodeOptions): sharp.SharpOptions => ({
  limitInputPixels: options.maxPixels,
  failOn: 'error',
  ignoreIcc: options.ignoreIccProfile ?? false,
});

function assertSupported(bytes: Buffer): ImageFormat {
  if (bytes.length === 0) throw apiError('MISSING_IMAGE', 'the image is empty');
  const format = sniffImageFormat(bytes);
  if (!format) {
    throw apiError(
      'UNSUPPORTED_MEDIA_TYPE',
      'the bytes are not a supported image (JPEG, PNG, WebP, GIF, TIFF or AVIF)',
    );
  }
  return format;
}

/** Width and height as declared by the header, after EXIF orientation. Throws IMAGE_TOO_LARGE over the limit. */
export async function readImageSize(
  bytes: Buffer,
  options: DecodeOptions,
): Promise<{ width: number; height: number }> {
  const format = assertSupported(bytes);
  const jpeg = format === 'jpeg' ? readJpegHeader(bytes) : undefined;
  if (jpeg) return checkedSize(jpeg.width, jpeg.height, jpeg.orientation, options);
  let meta: sharp.Metadata;
  try {
    // limitInputPixels off here: the header is read only, the limit is checked just below.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (cause) {
    throw apiError('UNDECODABLE_IMAGE', 'the image header cannot be read (corrupt or truncated)', { cause });
  }
  const { width, height } = meta;
  if (!width || !height) throw apiError('UNDECODABLE_IMAGE', 'the image has no size');
  return checkedSize(width, height, meta.orientation ?? 1, options);
}

function checkedSize(
  width: number,
  height: number,
  orientation: number,
  options: DecodeOptions,
): { width: number; height: number } {
  if (width * height > options.maxPixels) {
    throw apiError(
      'IMAGE_TOO_LARGE',
      `image is ${width}x${height} = ${width * height} pixels, the limit is ${options.maxPixels}`,
    );
  }
  return orientation >= 5 ? { width: height, height: width } : { width, height };
}

/** Decodes to 8-bit sRGB RGB, EXIF-rotated, first frame, alpha flattened on white. */
export async function decodeImage(bytes: Buffer, options: DecodeOptions): Promise<RgbImage> {
  await readImageSize(bytes, options);
  try {
    const { data, info } = await sharp(bytes, sharpInput(options))
      .rotate()
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { data, width: info.width, height: info.height };
  } catch (cause) {
    const message = (cause as Error).message ?? '';
    if (/pixel limit/i.test(message)) {
      throw apiError('IMAGE_TOO_LARGE', `image is over the limit of ${options.maxPixels} pixels`, { cause });
    }
    throw apiError('UNDECODABLE_IMAGE', 'the image cannot be decoded (corrupt or truncated)', { cause });
  }
}

/**
 * Decode and resize in one sharp pipeline, for callers that never need the full-size pixels. libvips
 * then shrinks while decoding (JPEG shrink-on-load): a 12 MP photo to 480x640 measured 46 ms instead
 * of 139 ms for decode-then-resize (equal for small images). `targetSize` gets the oriented size.
 */
export async function decodeImageResized(
  bytes: Buffer,
  options: DecodeOptions,
  targetSize: (size: { width: number; height: number }) => { width: number; height: number },
): Promise<{ width: number; height: number; resized: RgbImage }> {
  const size = await readImageSize(bytes, options);
  const target = targetSize(size);
  try {
    const { data, info } = await sharp(bytes, sharpInput(options))
      .rotate()
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace('srgb')
      .resize(target.width, target.height, { fit: 'fill', kernel: 'linear' })
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { ...size, resized: { data, width: info.width, height: info.height } };
  } catch (cause) {
    if (/pixel limit/i.test((cause as Error).message ?? '')) {
      throw apiError('IMAGE_TOO_LARGE', `image is over the limit of ${options.maxPixels} pixels`, { cause });
    }
    throw apiError('UNDECODABLE_IMAGE', 'the image cannot be decoded (corrupt or truncated)', { cause });
  }
}

/** Resizes raw RGB pixels to exactly width x height (bilinear, like OpenCV's INTER_LINEAR). */
export async function resizeRgb(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  if (image.width === width && image.height === height) return image;
  const { data, info } = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: 3 },
  })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** JPEG of raw RGB pixels, with an optional SVG overlay of the same size drawn on top. */
export async function encodeJpeg(image: RgbImage, overlaySvg?: string, quality = 85): Promise<Buffer> {
  let pipeline = sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
  if (overlaySvg) pipeline = pipeline.composite([{ input: Buffer.from(overlaySvg), top: 0, left: 0 }]);
  return pipeline.jpeg({ quality }).toBuffer();
}
