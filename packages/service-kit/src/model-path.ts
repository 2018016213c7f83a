import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT, sharedDir } from '@mlip/catalogue';

/**
 * Which model file a service loads: MODEL_PATH when set, else `file` inside MODELS_DIR, else the
 * first of <repo>/models and ../shared/models that has it. A path that does not exist is still
 * returned (the service then reports not-ready naming it) so a missing model never crashes start.
 */
export function resolveModelPath(
  config: { modelPath?: string | undefined; modelsDir?: string | undefined },
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (config.modelPath) return resolve(config.modelPath);
  if (config.modelsDir) return resolve(config.modelsDir, file);
  const candidates = [join(REPO_ROOT, 'models', file), join(sharedDir(env), 'models', file)];
  return candidates.find((c) => existsSync(c)) ?? candidates[0]!;
}
