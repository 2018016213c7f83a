/**
 * Where the repository, the shared models/data and the default models directory are.
 * Tests and scripts use these instead of hard-coding `../shared`.
 *
 *   SHARED_DIR   models and data that are never committed (default: ../shared beside the repo)
 *   MODELS_DIR   model files the services load (default: <repo>/models, falling back to SHARED_DIR/models)
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function sharedDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SHARED_DIR ? resolve(env.SHARED_DIR) : resolve(REPO_ROOT, '..', 'shared');
}

/** Models used by tests: MODELS_DIR when set, else SHARED_DIR/models (the CI default). */
export function testModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MODELS_DIR ? resolve(env.MODELS_DIR) : join(sharedDir(env), 'models');
}

/** Generated artefacts of the test run (generated test models, screenshots, reports). */
export const ARTIFACTS_DIR = join(REPO_ROOT, 'artifacts');

/** Generated test models (e.g. the Depth Anything stand-in) live here, never committed. */
export const GENERATED_MODELS_DIR = join(ARTIFACTS_DIR, 'models');

export function samplesDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(sharedDir(env), 'data', 'samples');
}

export function cocoDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(sharedDir(env), 'data', 'coco');
}

/** First directory in the list that contains `file`, or undefined. */
export function findFileIn(dirs: string[], file: string): string | undefined {
  for (const dir of dirs) {
    const candidate = join(dir, file);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}
