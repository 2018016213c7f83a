/**
 * Which model file each service gets. Order:
 *   1. `<SERVICE>_MODEL_PATH` (e.g. YOLO_API_MODEL_PATH): the user's explicit choice, used as is;
 *   2. the catalogue file in MODELS_DIR (default <repo>/models), then in SHARED_DIR/models,
 *      preferring a copy whose size and SHA-256 match the catalogue;
 *   3. the fetcher (download into MODELS_DIR), when allowed;
 *   4. depth-api only: the generated stand-in test model, with a loud warning;
 *   5. nothing: the service still starts with the expected path and reports not-ready with the reason.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MODELS, type ModelSource, REPO_ROOT, type ServiceName } from '@mlip/catalogue';
import type { Logger } from '../lib/log.ts';
import { fetchModel, ModelFetchError } from '../models/fetch-model.ts';
import { modelSearchDirs } from '../models/models-dir.ts';
import { verifyModelFile } from '../models/verify-model-file.ts';

export type ModelOrigin = 'env' | 'models-dir' | 'fetched' | 'test-model' | 'missing';

export interface ResolvedModel {
  /** Absolute path handed to the service as MODEL_PATH (may not exist when origin is `missing`). */
  path: string;
  origin: ModelOrigin;
  /** Set when the file is usable but not the catalogue's pinned bytes, or is a test stand-in. */
  warning?: string;
}

export interface DiscoverOptions {
  env: NodeJS.ProcessEnv;
  modelsDir?: string;
  fetchMissing: boolean;
  log: Logger;
}

const TEST_MODEL_SCRIPT = join(REPO_ROOT, 'services/depth-api/scripts/make-test-model.ts');

export function modelSourceFor(service: ServiceName): ModelSource | undefined {
  const catalogue: Record<string, ModelSource> = MODELS;
  return Object.values(catalogue).find((m) => m.service === service);
}

export function modelPathEnvName(service: ServiceName): string {
  return `${service.toUpperCase().replace(/-/g, '_')}_MODEL_PATH`;
}

export async function discoverModel(
  service: ServiceName,
  options: DiscoverOptions,
): Promise<ResolvedModel | undefined> {
  const source = modelSourceFor(service);
  const explicit = options.env[modelPathEnvName(service)];
  if (explicit) {
    if (!existsSync(explicit)) options.log.warn(`${modelPathEnvName(service)}=${explicit} does not exist`);
    return { path: explicit, origin: 'env' };
  }
  if (!source) return undefined;

  const dirs = modelSearchDirs(options.env, options.modelsDir);
  const found = await findInDirs(source, dirs);
  if (found?.warning === undefined && found) return found;

  if (options.fetchMissing) {
    try {
      options.log.info(`${source.file} not found in ${dirs.join(', ')}; downloading from ${source.url}`);
      let lastTenth = 0;
      const result = await fetchModel(source, dirs[0]!, {
        onProgress: (received, total) => {
          const tenth = Math.floor((received / total) * 10);
          if (tenth > lastTenth)
            options.log.info(`${source.file}: ${tenth * 10}% of ${(total / 1e6).toFixed(0)} MB`);
          lastTenth = tenth;
        },
      });
      return { path: result.path, origin: 'fetched' };
    } catch (err) {
      options.log.warn(err instanceof ModelFetchError ? err.message : String(err));
    }
  }
  if (found) return found;

  if (service === 'depth-api') {
    const testModel = await generateDepthTestModel(options.log);
    if (testModel) return testModel;
  }
  const expected = join(dirs[0]!, source.file);
  const key = Object.entries(MODELS).find(([, m]) => m.file === source.file)?.[0] ?? 'all';
  return {
    path: expected,
    origin: 'missing',
    warning:
      `${source.file} not found in ${dirs.join(' or ')}; ${service} starts without a model and reports not-ready. ` +
      `Fix: \`pnpm models:fetch ${key}\`, or copy the file into ${dirs[0]}, or set ${modelPathEnvName(service)}.`,
  };
}

/** A verified copy wins; else the first copy present, flagged with what is wrong with it. */
async function findInDirs(source: ModelSource, dirs: string[]): Promise<ResolvedModel | undefined> {
  let unverified: ResolvedModel | undefined;
  for (const dir of dirs) {
    const check = await verifyModelFile(join(dir, source.file), source);
    if (check.ok) return { path: check.path, origin: 'models-dir' };
    if (check.problem !== 'missing' && !unverified) {
      unverified = { path: check.path, origin: 'models-dir', warning: `${check.message}; using it anyway` };
    }
  }
  return unverified;
}

interface TestModelModule {
  makeTestModels?: (outDir?: string) => { dynamic: string };
}

async function generateDepthTestModel(log: Logger): Promise<ResolvedModel | undefined> {
  if (!existsSync(TEST_MODEL_SCRIPT)) {
    log.warn(
      'services/depth-api/scripts/make-test-model.ts not present yet: depth-api starts without a model',
    );
    return undefined;
  }
  try {
    const module = (await import(pathToFileURL(TEST_MODEL_SCRIPT).href)) as TestModelModule;
    if (typeof module.makeTestModels !== 'function') {
      log.warn('make-test-model.ts exports no makeTestModels(): depth-api starts without a model');
      return undefined;
    }
    const { dynamic } = module.makeTestModels();
    return {
      path: dynamic,
      origin: 'test-model',
      warning:
        'depth-api runs a generated TEST model, not Depth Anything: its depth maps are synthetic. ' +
        `Put ${modelSourceFor('depth-api')?.file} into MODELS_DIR (pnpm models:fetch depth) for real answers.`,
    };
  } catch (err) {
    log.warn(`could not generate the depth test model: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}
