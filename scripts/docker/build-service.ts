/**
 * Builds the production bundle of one service into a clean directory. Each Dockerfile runs
 * exactly this in its build stage, and scripts/delivery/__tests__ runs it too, so what the
 * image contains is tested without a Docker engine.
 *
 * Usage:
 *   tsx scripts/docker/build-service.ts --service <yolo-api|depth-api|webapp> --out <dir> [options]
 *
 * Options:
 *   --service <name>          service from the catalogue (required)
 *   --out <dir>               output directory; must be empty or absent unless --clean (required)
 *   --clean                   delete --out first
 *   --models-dir <dir>        where model files are found (default: $MODELS_DIR, else <repo>/models)
 *   --download-models         download a model missing from --models-dir from its catalogue URL
 *   --no-models               bundle without model files (mount or pass MODEL_PATH at run time)
 *   --target-platform <p/a>   platform/arch the image runs on (default: this machine, e.g. linux/x64)
 *   --help
 *
 * Examples:
 *   tsx scripts/docker/build-service.ts --service yolo-api --out /tmp/yolo-bundle --clean
 *   MODELS_DIR=../shared/models tsx scripts/docker/build-service.ts --service yolo-api --out /out
 *   tsx scripts/docker/build-service.ts --service webapp --out /tmp/web-bundle --clean
 *
 * Exit codes: 0 built, 1 build failed, 2 bad arguments.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT, SERVICE_NAMES, type ServiceName } from '@mlip/catalogue';
import { parseFlags, UsageError } from '../lib/cli-args.ts';
import { bundleApiService } from './bundle-api-service.ts';
import { bundleWebapp } from './bundle-webapp.ts';
import { copyModels } from './copy-models.ts';

export interface BuildServiceArgs {
  service: ServiceName;
  outDir: string;
  clean: boolean;
  modelsDir: string;
  downloadModels: boolean;
  models: boolean;
  targetPlatform: string;
}

function usage(): string {
  return `usage: tsx scripts/docker/build-service.ts --service <${SERVICE_NAMES.join('|')}> --out <dir> [--clean] [--models-dir <dir>] [--download-models] [--no-models] [--target-platform linux/x64]`;
}

export function parseBuildServiceArgs(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): BuildServiceArgs {
  const { values } = parseFlags({
    args: argv,
    options: {
      service: { type: 'string' },
      out: { type: 'string' },
      clean: { type: 'boolean', default: false },
      'models-dir': { type: 'string' },
      'download-models': { type: 'boolean', default: false },
      'no-models': { type: 'boolean', default: false },
      'target-platform': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) throw new UsageError('');
  const service = values.service as ServiceName | undefined;
  if (!service || !SERVICE_NAMES.includes(service)) {
    throw new UsageError(`--service must be one of ${SERVICE_NAMES.join(', ')}, got ${service ?? 'nothing'}`);
  }
  if (!values.out) throw new UsageError('--out <dir> is required');
  return {
    service,
    outDir: resolve(values.out),
    clean: values.clean ?? false,
    modelsDir: resolve(values['models-dir'] ?? env.MODELS_DIR ?? join(REPO_ROOT, 'models')),
    downloadModels: values['download-models'] ?? false,
    models: !(values['no-models'] ?? false),
    targetPlatform: values['target-platform'] ?? `${process.platform}/${process.arch}`,
  };
}

export async function buildService(args: BuildServiceArgs): Promise<void> {
  if (args.clean) rmSync(args.outDir, { recursive: true, force: true });
  if (existsSync(args.outDir) && readdirSync(args.outDir).length > 0) {
    throw new Error(`${args.outDir} is not empty (pass --clean to delete it first)`);
  }
  process.stdout.write(`building the production bundle of ${args.service} into ${args.outDir}\n`);
  if (args.service === 'webapp') {
    await bundleWebapp({ outDir: args.outDir });
    return;
  }
  await bundleApiService({ service: args.service, outDir: args.outDir, targetPlatform: args.targetPlatform });
  if (args.models) {
    await copyModels({
      service: args.service,
      modelsDir: args.modelsDir,
      outDir: args.outDir,
      download: args.downloadModels,
    });
  }
}

async function main(argv: string[]): Promise<number> {
  let args: BuildServiceArgs;
  try {
    args = parseBuildServiceArgs(argv);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof UsageError && message === '') {
      process.stdout.write(`${usage()}\n`);
      return 0;
    }
    process.stderr.write(`${message}\n${usage()}\n`);
    return 2;
  }
  try {
    await buildService(args);
    process.stdout.write(`done: ${args.outDir}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`build-service: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('build-service.ts')) {
  process.exit(await main(process.argv.slice(2)));
}
