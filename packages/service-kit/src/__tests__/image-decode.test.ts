import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { samplesDir } from '@mlip/catalogue';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import {
  decodeImage,
  decodeImageResized,
  encodeJpeg,
  readImageSize,
  resizeRgb,
  sniffImageFormat,
} from '../image-decode.ts';
import { pngDeclaring } from '../testing/png-bytes.ts';

const limits = { maxPixels: 40_000_000 };

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'resolved';
  } catch (error) {
    return error instanceof ApiError ? error.code : `non-api error: ${(error as Error).message}`;
  }
}

describe('image decoding adapter', () => {
  let bus: Buffer;
  beforeAll(async () => {
    bus = await readFile(join(samplesDir(), 'bus.jpg'));
  });

  it('decodes bus.jpg to 810x1080 8-bit RGB', async () => {
    const image = await decodeImage(bus, limits);
    expect([image.width, image.height]).toEqual([810, 1080]);
    expect(image.data.length).toBe(810 * 1080 * 3);
  });

  it('sniffs formats from magic bytes and refuses text, SVG and PDF with 415', async () => {
    expect(sniffImageFormat(bus)).toBe('jpeg');
    const small = sharp(bus).resize(32, 32);
    expect(sniffImageFormat(await small.clone().png().toBuffer())).toBe('png');
    expect(sniffImageFormat(await small.clone().webp().toBuffer())).toBe('webp');
    expect(sniffImageFormat(await small.clone().gif().toBuffer())).toBe('gif');
    expect(sniffImageFormat(await small.clone().tiff().toBuffer())).toBe('tiff');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>');
    expect(await codeOf(decodeImage(svg, limits))).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await codeOf(decodeImage(Buffer.from('%PDF-1.7 lorem ipsum dolor'), limits))).toBe(
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect(await codeOf(decodeImage(Buffer.from('hello, this is plain text'), limits))).toBe(
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('when a tiny PNG declares 30000x30000, refuses it with 413 IMAGE_TOO_LARGE before decoding', async () => {
    const bomb = pngDeclaring(30_000, 30_000);
    expect(bomb.length).toBeLessThan(200);
    expect(await codeOf(decodeImage(bomb, limits))).toBe('IMAGE_TOO_LARGE');
  });

  it('when the JPEG is truncated, answers 422 UNDECODABLE_IMAGE', async () => {
    expect(await codeOf(decodeImage(bus.subarray(0, bus.length / 2), limits))).toBe('UNDECODABLE_IMAGE');
    const garbage = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 0x5a)]);
    expect(await codeOf(decodeImage(garbage, limits))).toBe('UNDECODABLE_IMAGE');
  });

  it('applies EXIF orientation: an orientation-6 JPEG comes out with width and height swapped', async () => {
    const rotated = await sharp(bus).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    expect(await readImageSize(rotated, limits)).toEqual({ width: 1080, height: 810 });
    const image = await decodeImage(rotated, limits);
    expect([image.width, image.height]).toEqual([1080, 810]);
  });

  it('converts grayscale, 16-bit, alpha, palette, CMYK and animated images to 8-bit RGB', async () => {
    const small = sharp(bus).resize(64, 48);
    const variants: Record<string, Buffer> = {
      grey: await small.clone().greyscale().png().toBuffer(),
      grey16: await small.clone().greyscale().toColourspace('grey16').png().toBuffer(),
      rgb16: await small.clone().toColourspace('rgb16').png().toBuffer(),
      alpha: await small.clone().ensureAlpha(0.5).png().toBuffer(),
      palette: await small.clone().png({ palette: true, colours: 16 }).toBuffer(),
      cmyk: await small.clone().toColourspace('cmyk').jpeg().toBuffer(),
      animated: await sharp(
        await sharp({ create: { width: 64, height: 96, channels: 3, background: '#f00' } })
          .png()
          .toBuffer(),
      )
        .gif({ loop: 0 })
        .toBuffer(),
    };
    for (const [name, bytes] of Object.entries(variants)) {
      const image = await decodeImage(bytes, limits);
      expect({ name, length: image.data.length }).toEqual({ name, length: image.width * image.height * 3 });
    }
    const alpha = await decodeImage(
      await sharp({
        create: { width: 4, height: 4, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
      })
        .png()
        .toBuffer(),
      limits,
    );
    expect([...alpha.data.subarray(0, 3)]).toEqual([255, 255, 255]);
  });

  it('resizeRgb returns exactly the requested size and encodeJpeg draws an overlay', async () => {
    const image = await decodeImage(bus, limits);
    const resized = await resizeRgb(image, 480, 640);
    expect([resized.width, resized.height, resized.data.length]).toEqual([480, 640, 480 * 640 * 3]);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="640"><rect x="0" y="0" width="480" height="640" fill="#00ff00"/></svg>`;
    const jpeg = await encodeJpeg(resized, svg);
    const back = await sharp(jpeg).raw().toBuffer();
    expect(back[1]).toBeGreaterThan(200);
    expect(back[0]).toBeLessThan(60);
  });

  it('decodeImageResized gives the oriented original size to the sizing callback and returns exactly that size', async () => {
    const rotated = await sharp(bus).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const seen: { width: number; height: number }[] = [];
    const out = await decodeImageResized(rotated, limits, (size) => {
      seen.push(size);
      return { width: 640, height: 480 };
    });
    expect(seen).toEqual([{ width: 1080, height: 810 }]);
    expect([out.width, out.height]).toEqual([1080, 810]);
    expect([out.resized.width, out.resized.height, out.resized.data.length]).toEqual([
      640,
      480,
      640 * 480 * 3,
    ]);
    expect(
      await codeOf(decodeImageResized(pngDeclaring(30_000, 30_000), limits, () => ({ width: 1, height: 1 }))),
    ).toBe('IMAGE_TOO_LARGE');
  });
});

describe('ICC profiles', () => {
  let bus: Buffer;
  beforeAll(async () => {
    bus = await readFile(join(samplesDir(), 'bus.jpg'));
  });

  const meanAbsDiff = (a: Buffer, b: Buffer) => {
    let sum = 0;
    for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
    return sum / a.length;
  };
  const same = () => ({ width: 64, height: 48 });

  it('with ignoreIccProfile, a Display P3 photo keeps its stored values; by default it is converted back to sRGB', async () => {
    const original = await sharp(bus).resize(64, 48).raw().toBuffer();
    const p3 = await sharp(bus).resize(64, 48).withIccProfile('p3').jpeg({ quality: 100 }).toBuffer();

    const managed = await decodeImageResized(p3, limits, same);
    const stored = await decodeImageResized(p3, { ...limits, ignoreIccProfile: true }, same);

    expect(meanAbsDiff(managed.resized.data, stored.resized.data)).toBeGreaterThan(1);
    expect(meanAbsDiff(managed.resized.data, original)).toBeLessThan(
      meanAbsDiff(stored.resized.data, original),
    );
  });

  it('with ignoreIccProfile, a photo tagged sRGB decodes to the same pixels as with colour management', async () => {
    const srgb = await sharp(bus).resize(64, 48).withIccProfile('srgb').jpeg().toBuffer();

    const managed = await decodeImageResized(srgb, limits, same);
    const stored = await decodeImageResized(srgb, { ...limits, ignoreIccProfile: true }, same);

    expect(meanAbsDiff(managed.resized.data, stored.resized.data)).toBeLessThan(0.5);
  });
});
