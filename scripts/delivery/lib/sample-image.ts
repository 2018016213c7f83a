/**
 * The image the smoke test sends when no --image is given and ../shared/data/samples is not
 * beside the checkout (a fresh clone): a 96x64 RGB gradient PNG, encoded here with node's
 * zlib so smoke needs no image library.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { samplesDir } from '@mlip/catalogue';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export function gradientPng(width = 96, height = 64): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3); // filter byte 0 + pixels
    for (let x = 0; x < width; x++) {
      row[1 + x * 3] = Math.round((x / width) * 255);
      row[2 + x * 3] = Math.round((y / height) * 255);
      row[3 + x * 3] = 128;
    }
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export interface SampleImage {
  bytes: Buffer;
  contentType: string;
  source: string;
}

export function loadSampleImage(path?: string): SampleImage {
  const candidate = path ?? join(samplesDir(), 'bus.jpg');
  if (path && !existsSync(path)) throw new Error(`--image ${path} does not exist`);
  if (existsSync(candidate)) {
    const contentType = /\.png$/i.test(candidate)
      ? 'image/png'
      : /\.webp$/i.test(candidate)
        ? 'image/webp'
        : 'image/jpeg';
    return { bytes: readFileSync(candidate), contentType, source: candidate };
  }
  return { bytes: gradientPng(), contentType: 'image/png', source: 'generated 96x64 gradient PNG' };
}
