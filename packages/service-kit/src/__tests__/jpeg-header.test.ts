import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cocoDir, samplesDir } from '@mlip/catalogue';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import { readImageSize } from '../image-decode.ts';
import { readJpegHeader } from '../jpeg-header.ts';

/** What libvips says: the reference the JS reader must agree with. */
async function sharpHeader(bytes: Buffer) {
  const meta = await sharp(bytes).metadata();
  return { width: meta.width, height: meta.height, orientation: meta.orientation ?? 1 };
}

/** A minimal JPEG: SOI, one APP1 EXIF block with the given IFD0 entries, SOF0, SOS. */
function jpegWithExif(entries: { tag: number; type: number; count: number; value: number }[], little = true) {
  const tiff = Buffer.alloc(8 + 2 + entries.length * 12 + 4);
  tiff.write(little ? 'II' : 'MM', 0, 'latin1');
  const u16 = (v: number, at: number) => (little ? tiff.writeUInt16LE(v, at) : tiff.writeUInt16BE(v, at));
  const u32 = (v: number, at: number) => (little ? tiff.writeUInt32LE(v, at) : tiff.writeUInt32BE(v, at));
  u16(42, 2);
  u32(8, 4);
  u16(entries.length, 8);
  entries.forEach((e, i) => {
    const at = 10 + i * 12;
    u16(e.tag, at);
    u16(e.type, at + 2);
    u32(e.count, at + 4);
    u16(e.value, at + 8);
  });
  const exif = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.concat([Buffer.from([0xff, 0xe1]), u16be(exif.length + 2), exif]);
  const sof = Buffer.from([0xff, 0xc0, 0, 11, 8, 0, 30, 0, 40, 1, 1, 0x11, 0]); // 40 wide, 30 high, 1 component
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app1, sof, Buffer.from([0xff, 0xda, 0, 2])]);
}

function u16be(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
}

describe('readJpegHeader', () => {
  let bus: Buffer;
  beforeAll(async () => {
    bus = await readFile(join(samplesDir(), 'bus.jpg'));
  });

  it('when given the COCO images, agrees with libvips on size and orientation for every one', async () => {
    const dir = join(cocoDir(), 'images', 'val2017');
    if (!existsSync(dir)) return; // shared data not on this machine
    const files = readdirSync(dir).filter((f) => f.endsWith('.jpg'));
    for (const file of files) {
      const bytes = await readFile(join(dir, file));
      expect({ file, ...readJpegHeader(bytes) }).toEqual({ file, ...(await sharpHeader(bytes)) });
    }
  });

  it.each([
    1, 2, 3, 4, 5, 6, 7, 8,
  ])('when sharp wrote EXIF orientation %i, reads the same orientation and stored size', async (orientation) => {
    const bytes = await sharp(bus).resize(64, 48).withMetadata({ orientation }).jpeg().toBuffer();
    expect(readJpegHeader(bytes)).toEqual(await sharpHeader(bytes));
    expect(readJpegHeader(bytes)?.orientation).toBe(orientation);
  });

  it.each([
    ['progressive', (s: sharp.Sharp) => s.jpeg({ progressive: true })],
    ['CMYK', (s: sharp.Sharp) => s.toColourspace('cmyk').jpeg()],
    ['greyscale', (s: sharp.Sharp) => s.greyscale().jpeg()],
    ['EXIF without orientation', (s: sharp.Sharp) => s.withExif({ IFD0: { Copyright: 'x' } }).jpeg()],
    ['ICC profile and EXIF', (s: sharp.Sharp) => s.withMetadata({ orientation: 3 }).keepIccProfile().jpeg()],
  ])('when the JPEG is %s, agrees with libvips', async (_, encode) => {
    const bytes = await encode(sharp(bus).resize(33, 21)).toBuffer();
    expect(readJpegHeader(bytes)).toEqual(await sharpHeader(bytes));
  });

  it('when the EXIF is big-endian, reads the orientation', () => {
    const bytes = jpegWithExif([{ tag: 0x0112, type: 3, count: 1, value: 6 }], false);
    expect(readJpegHeader(bytes)).toEqual({ width: 40, height: 30, orientation: 6 });
  });

  it.each([
    ['an orientation outside 1..8', [{ tag: 0x0112, type: 3, count: 1, value: 9 }]],
    ['an orientation that is not a SHORT', [{ tag: 0x0112, type: 4, count: 1, value: 6 }]],
  ])('when the EXIF has %s, gives up (the caller asks libvips)', (_, entries) => {
    expect(readJpegHeader(jpegWithExif(entries))).toBeUndefined();
  });

  it('when the bytes are not a JPEG or the header is cut before the frame, gives up', () => {
    expect(readJpegHeader(Buffer.from('not a jpeg at all'))).toBeUndefined();
    expect(readJpegHeader(bus.subarray(0, 20))).toBeUndefined();
    const noFrame = Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 2]);
    expect(readJpegHeader(noFrame)).toBeUndefined();
  });

  it('when a JPEG declares 65535x65535 pixels, readImageSize refuses it with IMAGE_TOO_LARGE before decoding', async () => {
    const bomb = Buffer.from([
      ...[0xff, 0xd8],
      ...[0xff, 0xc0, 0, 11, 8, 0xff, 0xff, 0xff, 0xff, 1, 1, 0x11, 0],
      ...[0xff, 0xda, 0, 2],
    ]);
    const error = await readImageSize(bomb, { maxPixels: 40_000_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('IMAGE_TOO_LARGE');
  });
});
