/** Shared pieces of the depth-api HTTP tests: generated test models, images, response readers. */
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { samplesDir } from '@mlip/catalogue';
import sharp from 'sharp';
import { expectedTestDepth } from '../../../scripts/lib/test-depth-model.ts';
import { makeTestModels, type TestModelPaths } from '../../../scripts/make-test-model.ts';
import { IMAGENET_MEAN, IMAGENET_STD } from '../../domain/processing/normalize-pixels.ts';

export const quietEnv = { LOG_LEVEL: 'silent' };
export const local = { port: 0, host: '127.0.0.1' } as const;

/** Writes the generated test models into a fresh temp dir. */
export function generateTestModels(): TestModelPaths & { dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'depth-api-test-'));
  return { dir, ...makeTestModels(dir) };
}

export function readBus(): Promise<Buffer> {
  return readFile(join(samplesDir(), 'bus.jpg'));
}

/** PNG, 280x140: white on the left half, black on the right half. */
export function brightLeftDarkRight(width = 280, height = 140): Promise<Buffer> {
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width / 2; x++) rgb.fill(255, (y * width + x) * 3, (y * width + x) * 3 + 3);
  }
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
}

/** What the test model outputs for a uniform grey level (0..255). */
export function expectedDepthForGrey(level: number): number {
  const normalised = [0, 1, 2].map((c) => (level / 255 - IMAGENET_MEAN[c]!) / IMAGENET_STD[c]!);
  return expectedTestDepth(normalised as [number, number, number]);
}

export function imageForm(image: Buffer, fields: Record<string, string> = {}, type = 'image/jpeg'): FormData {
  const form = new FormData();
  form.append('image', new Blob([image], { type }), 'upload');
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  return form;
}

export interface ErrorJson {
  error: { code: string; message: string; requestId: string };
}

export async function readError(response: Response): Promise<ErrorJson['error']> {
  return ((await response.json()) as ErrorJson).error;
}

export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
