/**
 * What a change bought, measured side by side: yolo-api variants (commits of this repository or
 * settings) run at the same time, interleaved request by request with one raw `session.run`
 * reference (the default service settings), then in throughput blocks alternating with raw runs.
 * Prints (and optionally writes) HTTP / raw latency at concurrency 1 with the server's stage
 * timings, and throughput / raw at one concurrency, per variant.
 *
 * Usage:
 *   pnpm bench:compare --variant NAME=SOURCE[,KEY=VALUE...] [--variant ...]
 *                      [--images N] [--rounds N] [--concurrency N] [--blocks N] [--block-requests N]
 *                      [--no-latency] [--no-throughput] [--out FILE.md] [--json FILE.json]
 *   SOURCE: `.` (this working tree), a directory with a checkout, or `git:REV`.
 *
 * Examples:
 *   pnpm bench:compare --variant before=git:e3773bb --variant after=.
 *   pnpm bench:compare --variant mc1=.,MAX_CONCURRENCY=1 --variant mc2=.,MAX_CONCURRENCY=2 --no-latency
 *   pnpm bench:compare --variant off=. --variant spin=.,ORT_ALLOW_SPINNING=1 --rounds 64
 *
 * Exit codes: 0 done, 1 the run failed, 2 invalid arguments.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { cocoDir, REPO_ROOT } from '@mlip/catalogue';
import { resolveBenchModels } from './bench/bench-models.ts';
import {
  type CompareResult,
  compareLatency,
  compareThroughput,
  materializeSource,
  parseVariantSpec,
  type RunningVariant,
  renderCompareMarkdown,
  startVariant,
  type VariantSpec,
} from './bench/compare-variants.ts';
import { createRawRunner, preprocessToTensor, readModelInput } from './bench/raw-inference.ts';
import { DEFAULT_SERVICE_ENV, sessionConfigsFor } from './bench/session-configs.ts';
import { parseFlags, positiveInteger, runMain, UsageError } from './lib/cli-args.ts';
import { loadImagesFromDirs } from './load/image-source.ts';

interface Args {
  variants: VariantSpec[];
  images: number;
  rounds: number;
  concurrency: number;
  blocks: number;
  blockRequests: number;
  latency: boolean;
  throughput: boolean;
  out: string | undefined;
  json: string | undefined;
}

function parseArgs(argv: string[]): Args {
  const { values } = parseFlags({
    args: argv,
    strict: true,
    options: {
      variant: { type: 'string', multiple: true },
      images: { type: 'string' },
      rounds: { type: 'string' },
      concurrency: { type: 'string' },
      blocks: { type: 'string' },
      'block-requests': { type: 'string' },
      'no-latency': { type: 'boolean' },
      'no-throughput': { type: 'boolean' },
      out: { type: 'string' },
      json: { type: 'string' },
    },
  });
  const int = (name: 'images' | 'rounds' | 'concurrency' | 'blocks' | 'block-requests', fallback: number) =>
    positiveInteger(name, values[name]) ?? fallback;
  let variants: VariantSpec[];
  try {
    variants = (values.variant ?? []).map(parseVariantSpec);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (variants.length === 0) throw new UsageError('give at least one --variant NAME=SOURCE');
  if (new Set(variants.map((v) => v.label)).size !== variants.length)
    throw new UsageError('variant names must differ');
  const images = int('images', 32);
  return {
    variants,
    images,
    rounds: int('rounds', images),
    concurrency: int('concurrency', 3),
    blocks: int('blocks', 3),
    blockRequests: int('block-requests', 16),
    latency: values['no-latency'] !== true,
    throughput: values['no-throughput'] !== true,
    out: typeof values.out === 'string' ? resolve(values.out) : undefined,
    json: typeof values.json === 'string' ? resolve(values.json) : undefined,
  };
}

export async function main(args: Args): Promise<number> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const yolo = resolveBenchModels().find((m) => m.key === 'yolo')!;
  const images = loadImagesFromDirs([join(cocoDir(), 'images', 'val2017')]).slice(0, args.images);
  const serviceEnv = { ...DEFAULT_SERVICE_ENV, MODEL_PATH: yolo.modelPath };
  const trees = args.variants.map((v) => materializeSource(v.source, REPO_ROOT));
  const running: RunningVariant[] = [];
  try {
    log(`bench:compare: starting ${args.variants.map((v) => v.label).join(', ')}`);
    running.push(
      ...(await Promise.all(args.variants.map((v, i) => startVariant(v, trees[i]!.dir, serviceEnv)))),
    );
    const input = await readModelInput(yolo.modelPath, yolo.fallbackSize);
    const tensors = [];
    for (const image of images) tensors.push(await preprocessToTensor(image.bytes!, input.size));
    const raw = await createRawRunner({
      modelPath: yolo.modelPath,
      inputName: input.name,
      tensors,
      config: sessionConfigsFor(DEFAULT_SERVICE_ENV)[0]!,
    });
    const result: CompareResult = {
      startedAt: new Date().toISOString(),
      loadAverage: loadavg(),
      variants: args.variants,
      images: images.length,
      latency: null,
      throughput: null,
    };
    try {
      if (args.latency) {
        log(`latency at concurrency 1 over ${args.rounds} rounds`);
        result.latency = await compareLatency({ variants: running, images, rounds: args.rounds, raw });
      }
      if (args.throughput) {
        log(`throughput at concurrency ${args.concurrency}, ${args.blocks} blocks`);
        const measured = await compareThroughput({
          variants: running,
          images,
          concurrency: args.concurrency,
          blocks: args.blocks,
          requestsPerBlock: args.blockRequests,
          raw,
        });
        result.throughput = { ...measured, concurrency: args.concurrency };
      }
    } finally {
      await raw.release();
    }
    const markdown = renderCompareMarkdown(result);
    log(`\n${markdown}`);
    if (args.out) {
      mkdirSync(dirname(args.out), { recursive: true });
      writeFileSync(args.out, `${markdown}\n`);
    }
    if (args.json) {
      mkdirSync(dirname(args.json), { recursive: true });
      writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
    }
    return 0;
  } finally {
    for (const v of running) v.stop();
    for (const t of trees) t.cleanup();
  }
}

process.exitCode = await runMain('bench:compare', process.argv.slice(2), parseArgs, main);
