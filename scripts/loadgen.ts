/**
 * Load simulator for the platform's APIs (local gateway or the ALB).
 *
 * Usage:
 *   pnpm loadgen [--url http://localhost:8080] [--api detect|depth|flow|predict_json]
 *                [--mode quiet|sustained|burst] [--users N]      simulated users with think times
 *                [--concurrency N]                                closed loop, no think time
 *                [--rps N]                                        open loop, fixed arrival rate
 *                [--limit N] [--duration S] [--timeout S]         bounds (defaults 200 requests, 300 s, 30 s)
 *                [--images DIR]... | [--manifest FILE]            default: samples + COCO val2017
 *                [--out DIR] [--csv] [--seed N] [--no-progress]
 *
 * Examples:
 *   pnpm loadgen --mode burst --limit 500
 *   pnpm loadgen --api flow --mode sustained --users 4 --duration 60
 *   pnpm loadgen --concurrency 8 --limit 1000 --csv
 *   pnpm loadgen --api predict_json --manifest manifest.jsonl --rps 5
 *
 * Writes <out>/requests.jsonl (one line per request), requests.csv (--csv), summary.json and
 * report.html (self-contained, with plots), and prints the summary. Exit codes: 0 done,
 * 1 run failed (e.g. no image), 2 invalid arguments.
 */
import { defaultImageDirs, loadImagesFromDirs, loadImagesFromManifest } from './load/image-source.ts';
import { formatSummary, summarizeRecords } from './load/latency-stats.ts';
import { type LoadArgs, parseLoadArgs, UsageError } from './load/load-args.ts';
import { createProgressReporter } from './load/progress-reporter.ts';
import { runLoad } from './load/run-load.ts';
import { writeLoadOutputs } from './load/write-outputs.ts';

const USAGE = `usage: pnpm loadgen [--url URL] [--api detect|depth|flow|predict_json] [--mode quiet|sustained|burst]
  [--users N | --concurrency N | --rps N] [--limit N] [--duration S] [--timeout S]
  [--images DIR ... | --manifest FILE] [--out DIR] [--csv] [--seed N] [--no-progress]`;

function describeSchedule(args: LoadArgs): string {
  const s = args.schedule;
  if (s.kind === 'users') return `${s.users} user(s), ${s.mode} mode`;
  if (s.kind === 'concurrency') return `closed loop, concurrency ${s.concurrency}`;
  return `open loop, ${s.rps} req/s`;
}

export async function main(args: LoadArgs): Promise<number> {
  const needBytes = args.api !== 'predict_json';
  const images = args.manifest
    ? loadImagesFromManifest(args.manifest, needBytes)
    : loadImagesFromDirs(args.imageDirs ?? defaultImageDirs());
  const schedule = describeSchedule(args);
  process.stdout.write(
    `loadgen: ${args.api} at ${args.url}, ${schedule}, ${images.length} images, at most ${args.limit} requests / ${args.durationSeconds} s\n`,
  );
  const progress = args.quietProgress
    ? null
    : createProgressReporter({ total: args.limit, durationSeconds: args.durationSeconds });
  const abort = new AbortController();
  // Ctrl-C stops issuing requests; in-flight ones finish and the report is still written.
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const run = await runLoad({
    baseUrl: args.url,
    api: args.api,
    schedule: args.schedule,
    limit: args.limit,
    durationSeconds: args.durationSeconds,
    timeoutMs: args.timeoutMs,
    seed: args.seed,
    images,
    signal: abort.signal,
    onRecord: (r) => progress?.update(r),
  });
  process.off('SIGINT', onSigint);
  progress?.finish();
  const summary = summarizeRecords(run.records, run.durationSeconds);
  const files = writeLoadOutputs({
    outDir: args.outDir,
    records: run.records,
    summary,
    csv: args.csv,
    meta: {
      title: `loadgen ${args.api} ${schedule}`,
      settings: {
        url: args.url,
        api: args.api,
        schedule,
        limit: args.limit,
        'duration bound (s)': args.durationSeconds,
        'timeout (s)': args.timeoutMs / 1000,
        images: images.length,
        seed: args.seed,
        'run id': run.runId,
        started: run.startedAt.toISOString(),
      },
    },
  });
  process.stdout.write(`\n${formatSummary(summary)}\n`);
  process.stdout.write(
    `\nrequests: ${files.jsonl}\n${files.csv ? `csv: ${files.csv}\n` : ''}summary: ${files.summary}\nreport: ${files.html}\n`,
  );
  return 0;
}

async function cli(): Promise<number> {
  let args: LoadArgs;
  try {
    args = parseLoadArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`loadgen: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    return await main(args);
  } catch (err) {
    process.stderr.write(`loadgen: ${(err as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await cli();
