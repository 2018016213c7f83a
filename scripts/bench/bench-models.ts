/**
 * Which model files the benchmark measures: the real YOLO model, and the real Depth
 * Anything model when present, else the generated stand-in (clearly labelled, since its
 * timings say nothing about the real network).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, REPO_ROOT, testModelsDir } from '@mlip/catalogue';
import { makeTestModels } from '../../services/depth-api/scripts/make-test-model.ts';

export interface BenchModelSpec {
  key: 'yolo' | 'depth';
  api: 'detect' | 'depth';
  label: string;
  modelPath: string;
  modelNote: string;
  /** Models directory to give the service (MODELS_DIR). */
  modelsDir: string;
  /** Input side used when the model's input has dynamic height/width. */
  fallbackSize: number;
}

export function findModel(file: string): string | null {
  for (const dir of [process.env.MODELS_DIR, join(REPO_ROOT, 'models'), testModelsDir()]) {
    if (dir && existsSync(join(dir, file))) return join(dir, file);
  }
  return null;
}

export function resolveBenchModels(): BenchModelSpec[] {
  const yolo = findModel(MODELS.yolo.file);
  if (!yolo)
    throw new Error(`YOLO model ${MODELS.yolo.file} not found (MODELS_DIR, models/, ${testModelsDir()})`);
  const specs: BenchModelSpec[] = [
    {
      key: 'yolo',
      api: 'detect',
      label: 'yolo-api',
      modelPath: yolo,
      modelNote: `real model ${MODELS.yolo.file}`,
      modelsDir: join(yolo, '..'),
      fallbackSize: 640,
    },
  ];
  const realDepth = findModel(MODELS.depth.file);
  const depthPath = realDepth ?? makeTestModels().dynamic;
  specs.push({
    key: 'depth',
    api: 'depth',
    label: 'depth-api',
    modelPath: depthPath,
    modelNote: realDepth
      ? `real model ${MODELS.depth.file}`
      : 'GENERATED STAND-IN model, not Depth Anything: timings show service overhead only',
    modelsDir: join(depthPath, '..'),
    fallbackSize: 518,
  });
  return specs;
}
