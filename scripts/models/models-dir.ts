/**
 * Where model files are looked for, in order: MODELS_DIR (default <repo>/models, where the fetcher
 * writes), then SHARED_DIR/models (../shared/models beside the repo, what CI and tests use).
 */
import { join, resolve } from 'node:path';
import { REPO_ROOT, sharedDir } from '@mlip/catalogue';

/** The directory the fetcher downloads into. */
export function defaultModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MODELS_DIR ? resolve(env.MODELS_DIR) : join(REPO_ROOT, 'models');
}

/** Search order for model files; duplicates removed. */
export function modelSearchDirs(env: NodeJS.ProcessEnv = process.env, modelsDir?: string): string[] {
  const dirs = [modelsDir ? resolve(modelsDir) : defaultModelsDir(env), join(sharedDir(env), 'models')];
  return [...new Set(dirs)];
}
