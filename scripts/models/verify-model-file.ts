/**
 * Is this file the model the catalogue pins? Size first (a stat, free), then a streaming SHA-256.
 * Used by the fetcher (skip what is already there) and by the platform's model discovery.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ModelSource } from '@mlip/catalogue';

export type ModelFileCheck =
  | { ok: true; path: string }
  | { ok: false; path: string; problem: 'missing' | 'size' | 'sha256'; message: string };

export async function verifyModelFile(path: string, source: ModelSource): Promise<ModelFileCheck> {
  let bytes: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) return { ok: false, path, problem: 'missing', message: `${path} is not a file` };
    bytes = info.size;
  } catch {
    return { ok: false, path, problem: 'missing', message: `${path} does not exist` };
  }
  if (bytes !== source.bytes) {
    return {
      ok: false,
      path,
      problem: 'size',
      message: `${path} is ${bytes} bytes, expected ${source.bytes} (truncated or a different model)`,
    };
  }
  const actual = await sha256File(path);
  if (actual !== source.sha256) {
    return {
      ok: false,
      path,
      problem: 'sha256',
      message: `${path} has SHA-256 ${actual}, expected ${source.sha256} (corrupt or a different model)`,
    };
  }
  return { ok: true, path };
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
