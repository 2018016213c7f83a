import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MODELS, samplesDir, testModelsDir } from '@mlip/catalogue';
import type { Detection, DetectionResult } from '../domain/types.ts';

export const MODEL_PATH = join(testModelsDir(), MODELS.yolo.file);

export const readSample = (name: string) => readFile(join(samplesDir(), name));

export interface ErrorJson {
  error: { code: string; message: string; requestId: string };
}

export type DetectJson = DetectionResult & { requestId: string };

export function readJson<T>(res: Response): Promise<T> {
  return res.json() as Promise<T>;
}

export async function errorOf(res: Response): Promise<[number, string]> {
  const body = await readJson<ErrorJson>(res);
  return [res.status, body.error.code];
}

export const byLabel = (detections: Detection[], label: string) =>
  detections.filter((d) => d.label === label);
