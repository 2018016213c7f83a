/**
 * Benchmarks of the detection and depth services on this machine, in one run over the
 * COCO val2017 images: raw ONNX Runtime inference (several session settings side by side),
 * per-stage server timings, HTTP latency at concurrency 1 direct and through the gateway,
 * saturation throughput; then the ratios and the targets (PASS/FAIL).
 *
 * Usage:
 *   pnpm bench [--images N] [--models yolo,depth] [--out docs/benchmarks.md] [--json artifacts/bench.json]
 *              [--saturation-requests N] [--saturation-seconds S] [--max-concurrency N]
 *              [--paired-rounds N] [--service-env KEY=VALUE]...
 *
 * Examples:
 *   pnpm bench                         64 images, writes the table into docs/benchmarks.md
 *   pnpm bench --images 8 --models yolo --out /tmp/bench.md --json /tmp/bench.json
 *   pnpm bench --models yolo --service-env ORT_INTRA_OP_THREADS=1 --service-env MAX_CONCURRENCY=2 --out /tmp/b.md
 *
 * Starts its own platform (real services + gateway) on free ports and stops it at the end.
 * Exit codes: 0 done (targets printed, PASS or FAIL), 1 the run failed, 2 invalid arguments.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ARTIFACTS_DIR, cocoDir, REPO_ROOT } from '@mlip/catalogue';
import { resolveBenchModels } from './bench/bench-models.ts';
import { renderBenchMarkdown, writeSection } from './bench/render-markdown.ts';
import { runBench } from './bench/run-bench.ts';
import { DEFAULT_SERVICE_ENV, sessionConfigsFor } from './bench/session-configs.ts';
import { startBenchPlatform } from './bench/start-bench-platform.ts';
import { parseFlags, positiveInteger, runMain, UsageError } from './lib/cli-args.ts';
import { loadImagesFromDirs } from './load/image-source.ts';

interface Args {
  images: number;
  models: string[];
  out: string;
  json: string;
  saturationRequests: number;
  saturationSeconds: number;
  maxConcurrency: number;
  pairedRounds: number;
  serviceEnv: Record<string, string>;
}

function parseArgs(argv: string[]): Args {
  const { values } = parseFlags({
    args: argv,
    strict: true,
    options: {
      images: { type: 'string' },
      models: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'string' },
      'saturation-requests': { type: 'string' },
      'saturation-seconds': { type: 'string' },
      'max-concurrency': { type: 'string' },
      'paired-rounds': { type: 'string' },
      'service-env': { type: 'string', multiple: true },
    },
  });
  const int = (
    name: 'images' | 'saturation-requests' | 'saturation-seconds' | 'max-concurrency' | 'paired-rounds',
    fallback: number,
  ) => positiveInteger(name, values[name]) ?? fallback;
  const serviceEnv: Record<string, string> = { ...DEFAULT_SERVICE_ENV };
  for (const pair of values['service-env'] ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--service-env expects KEY=VALUE, got "${pair}"`);
    serviceEnv[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const models = String(values.models ?? 'yolo,depth')
    .split(',')
    .map((m) => m.trim());
  for (const m of models)
    if (m !== 'yolo' && m !== 'depth') throw new UsageError(`--models: unknown model "${m}" (yolo, depth)`);
  return {
    images: int('images', 64),
    models,
    out: resolve(String(values.out ?? join(REPO_ROOT, 'docs', 'benchmarks.md'))),
    json: resolve(String(values.json ?? join(ARTIFACTS_DIR, 'bench.json'))),
    serviceEnv,
    saturationRequests: int('saturation-requests', 48),
    saturationSeconds: int('saturation-seconds', 30),
    maxConcurrency: int('max-concurrency', 16),
    pairedRounds: int('paired-rounds', 3),
  };
}

export async function main(args: Args): Promise<number> {
  const models = resolveBenchModels().filter((m) => args.models.includes(m.key));
  const images = loadImagesFromDirs([join(cocoDir(), 'images', 'val2017')]).slice(0, args.images);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`bench: ${models.map((m) => m.label).join(', ')} over ${images.length} COCO val2017 images`);
  const platform = await startBenchPlatform(models, args.serviceEnv);
  let result: Awaited<ReturnType<typeof runBench>>;
  try {
    result = await runBench({
      models,
      images,
      endpoints: platform.endpoints,
      sessionConfigs: sessionConfigsFor(args.serviceEnv),
      serviceEnv: args.serviceEnv,
      saturationRequestsPerStep: args.saturationRequests,
      saturationMaxSecondsPerStep: args.saturationSeconds,
      maxConcurrency: args.maxConcurrency,
      pairedRounds: args.pairedRounds,
      log,
    });
  } finally {
    await platform.stop();
  }
  mkdirSync(dirname(args.json), { recursive: true });
  writeFileSync(args.json, `${JSON.stringify(result, null, 2)}\n`);
  const markdown = renderBenchMarkdown(result);
  writeSection(args.out, 'bench', markdown);
  log(`\n${markdown}\n`);
  for (const t of result.targets)
    log(`${t.pass ? 'PASS' : 'FAIL'}  ${t.model}: ${t.name} ${t.rule}: ${t.value}`);
  log(`\njson: ${args.json}\ntable: ${args.out}`);
  return 0;
}

process.exitCode = await runMain('bench', process.argv.slice(2), parseArgs, main);
