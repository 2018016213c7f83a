/**
 * Writes the small Depth Anything V2 stand-in models used by tests and local runs.
 *
 * Usage:
 *   pnpm --filter @mlip/depth-api model:test [--out DIR]
 *
 * Examples:
 *   pnpm --filter @mlip/depth-api model:test                 writes into artifacts/models (git-ignored)
 *   npx tsx services/depth-api/scripts/make-test-model.ts --out /tmp/models
 *
 * Writes `<MODELS.depth.file>` (dynamic height/width, so MODELS_DIR=<out> runs the service
 * unchanged) and `depth_test_static518.onnx` (fixed 518x518). Idempotent: a file with the same
 * bytes is left alone. Exit codes: 0 done, 2 invalid arguments.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs as parseNodeArgs } from 'node:util';
import { GENERATED_MODELS_DIR, MODELS } from '@mlip/catalogue';
import { buildTestDepthModel, TEST_MODEL_STATIC_SIZE } from './lib/test-depth-model.ts';

export const STATIC_TEST_MODEL_FILE = `depth_test_static${TEST_MODEL_STATIC_SIZE}.onnx`;

export interface TestModelPaths {
  /** Dynamic-size model, named like the real model file. */
  readonly dynamic: string;
  /** Fixed 518x518 model. */
  readonly static: string;
}

interface Args {
  readonly outDir: string;
}

function writeIfChanged(path: string, bytes: Uint8Array): boolean {
  if (existsSync(path) && readFileSync(path).equals(bytes)) return false;
  // Write to a temp name first so a concurrent reader never sees a half-written model.
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
  return true;
}

/** Writes both test models into `outDir` (default: GENERATED_MODELS_DIR) and returns their paths. */
export function makeTestModels(outDir: string = GENERATED_MODELS_DIR): TestModelPaths {
  mkdirSync(outDir, { recursive: true });
  const paths = { dynamic: join(outDir, MODELS.depth.file), static: join(outDir, STATIC_TEST_MODEL_FILE) };
  writeIfChanged(paths.dynamic, buildTestDepthModel());
  writeIfChanged(paths.static, buildTestDepthModel({ staticSize: TEST_MODEL_STATIC_SIZE }));
  return paths;
}

function parseArgs(argv: string[]): Args {
  const { values } = parseNodeArgs({ args: argv, options: { out: { type: 'string' } }, strict: true });
  return { outDir: values.out ? resolve(values.out) : GENERATED_MODELS_DIR };
}

function main(args: Args): number {
  const paths = makeTestModels(args.outDir);
  for (const path of [paths.dynamic, paths.static]) {
    const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
    process.stdout.write(`${path}  sha256 ${sha256}\n`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nusage: make-test-model [--out DIR]\n`);
    process.exit(2);
  }
  process.exit(main(args));
}
