/**
 * Bytes of the bad-input corpus, generated in memory at run time (nothing binary is committed):
 * valid images in the unusual shapes clients send (16-bit, CMYK, EXIF-rotated, alpha, animated,
 * 1x1, 10000x10) and broken ones (truncated, bad CRC, decompression bombs, not images at all).
 */
import { PNG_SIGNATURE, pngDeclaring } from '@mlip/service-kit/testing';
import sharp from 'sharp';

export { pngDeclaring };

/** Offset of the first chunk of `type` in a PNG (its length field), or -1. */
function findPngChunk(png: Buffer, type: string): number {
  let offset = PNG_SIGNATURE.length;
  while (offset + 8 <= png.length) {
    const length = png.readUInt32BE(offset);
    if (png.toString('latin1', offset + 4, offset + 8) === type) return offset;
    offset += 12 + length;
  }
  return -1;
}

/** The PNG with the CRC of its first IDAT chunk flipped (a critical chunk, so decoders must notice). */
export function withBadIdatCrc(png: Buffer): Buffer {
  const out = Buffer.from(png);
  const at = findPngChunk(out, 'IDAT');
  if (at < 0) throw new Error('PNG has no IDAT chunk');
  const crcAt = at + 8 + out.readUInt32BE(at);
  out.writeUInt32BE(~out.readUInt32BE(crcAt) >>> 0, crcAt);
  return out;
}

/** The JPEG with the size in its first SOFn marker replaced: a few KB that claim width x height. */
export function jpegDeclaring(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  let offset = 2;
  while (offset + 4 <= out.length && out[offset] === 0xff) {
    const marker = out[offset + 1]!;
    const length = out.readUInt16BE(offset + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      out.writeUInt16BE(height, offset + 5);
      out.writeUInt16BE(width, offset + 7);
      return out;
    }
    offset += 2 + length;
  }
  throw new Error('JPEG has no SOF marker');
}

export interface CorpusImages {
  /** A 320x240 crop of a real photo (bus.jpg), the base of the valid variants. */
  jpeg: Buffer;
  png: Buffer;
  png16: Buffer;
  pngAlpha: Buffer;
  pngGrey: Buffer;
  cmykJpeg: Buffer;
  /** Stored 128x96 with EXIF orientation 6: upright it is 96 wide, 128 high. */
  exifRotatedJpeg: Buffer;
  animatedGif: Buffer;
  webp: Buffer;
  onePixelPng: Buffer;
  /** 10000 wide, 10 high. */
  wideStripPng: Buffer;
  /** 10 wide, 10000 high. */
  tallStripPng: Buffer;
  /** First half of `jpeg`'s bytes. */
  truncatedJpeg: Buffer;
  /** First 200 bytes only: even the header cannot be read. */
  headerOnlyJpeg: Buffer;
  badCrcPng: Buffer;
  pngBomb: Buffer;
  jpegBomb: Buffer;
  /** A 2x2 24-bit BMP: a real image format the services do not take. */
  bmp: Buffer;
}

function bmp2x2(): Buffer {
  const rowBytes = 8; // 2 px * 3 bytes, padded to 4
  const pixels = Buffer.alloc(rowBytes * 2, 0x80);
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(54 + pixels.length, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(2, 18);
  header.writeInt32LE(2, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(pixels.length, 34);
  return Buffer.concat([header, pixels]);
}

async function animatedGif(): Promise<Buffer> {
  const frame = (colour: string) =>
    sharp({ create: { width: 64, height: 48, channels: 3, background: colour } })
      .png()
      .toBuffer();
  const frames = await Promise.all(['#d00', '#0d0', '#00d'].map(frame));
  return sharp(frames, { join: { animated: true } })
    .gif({ loop: 0, delay: 100 })
    .toBuffer();
}

/** Builds every image of the corpus from one real photo. */
export async function buildCorpusImages(photo: Buffer): Promise<CorpusImages> {
  const base = sharp(photo).resize(320, 240, { fit: 'cover' });
  const jpeg = await base.clone().jpeg({ quality: 85 }).toBuffer();
  const png = await base.clone().png().toBuffer();
  const strip = (width: number, height: number) =>
    sharp(photo).resize(width, height, { fit: 'fill' }).png({ compressionLevel: 9 }).toBuffer();
  return {
    jpeg,
    png,
    png16: await base.clone().toColourspace('rgb16').png().toBuffer(),
    pngAlpha: await base.clone().ensureAlpha(0.5).png().toBuffer(),
    pngGrey: await base.clone().greyscale().png().toBuffer(),
    cmykJpeg: await base.clone().toColourspace('cmyk').jpeg().toBuffer(),
    exifRotatedJpeg: await sharp(photo)
      .resize(128, 96, { fit: 'cover' })
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer(),
    animatedGif: await animatedGif(),
    webp: await base.clone().webp().toBuffer(),
    onePixelPng: await sharp({
      create: { width: 1, height: 1, channels: 3, background: { r: 40, g: 90, b: 160 } },
    })
      .png()
      .toBuffer(),
    wideStripPng: await strip(10_000, 10),
    tallStripPng: await strip(10, 10_000),
    truncatedJpeg: jpeg.subarray(0, Math.floor(jpeg.length / 2)),
    headerOnlyJpeg: jpeg.subarray(0, 200),
    badCrcPng: withBadIdatCrc(png),
    pngBomb: pngDeclaring(30_000, 30_000),
    jpegBomb: jpegDeclaring(jpeg, 30_000, 30_000),
    bmp: bmp2x2(),
  };
}

/** A minimal but well-formed PDF. */
export const PDF_BYTES = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
  'latin1',
);

/** An SVG that would make a renderer fetch `externalUrl` (it must never be fetched). */
export function svgWithExternalReference(externalUrl: string): Buffer {
  return Buffer.from(
    `<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="64">` +
      `<image href="${externalUrl}" xlink:href="${externalUrl}" width="64" height="64"/></svg>\n`,
  );
}

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer | string;
}

/** A multipart/form-data body built by hand, so broken shapes can be sent too. */
export function multipartBody(parts: MultipartPart[], boundary = 'corpusBoundary7MA4YWxkTrZu0gW'): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename) head += `; filename="${part.filename}"`;
    head += '\r\n';
    if (part.contentType) head += `Content-Type: ${part.contentType}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`), Buffer.from(part.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

export const MULTIPART_BOUNDARY = 'corpusBoundary7MA4YWxkTrZu0gW';
