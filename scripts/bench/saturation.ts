/**
 * Saturation throughput: closed loop at increasing concurrency (1, 2, 3, 4, 6, 8, ...)
 * until throughput stops rising (two steps in a row under +3 %) or errors appear.
 */
import { performance } from 'node:perf_hooks';
import type { LoadImage } from '../load/image-source.ts';
import { summarizeRecords } from '../load/latency-stats.ts';
import type { LoadApi } from '../load/request-record.ts';
import { runLoad } from '../load/run-load.ts';

export interface SaturationStep {
  concurrency: number;
  requests: number;
  ok: number;
  throughputRps: number;
  p50Ms: number | null;
  p95Ms: number | null;
  errors: Record<string, number>;
}

export interface SaturationResult {
  steps: SaturationStep[];
  /** Highest ok-throughput seen, and at which concurrency. */
  maxThroughputRps: number;
  atConcurrency: number;
}

export interface PairedThroughput {
  concurrency: number;
  rounds: { rawRunsPerSecond: number; httpRps: number }[];
  rawRunsPerSecond: number;
  httpRps: number;
  /** HTTP ok-throughput / raw-inference throughput, over blocks taken alternately. */
  ratio: number;
}

/**
 * Alternates blocks of sequential raw `session.run` and blocks of closed-loop HTTP at the
 * saturation concurrency, so both throughputs see the same background load.
 */
export async function measurePairedThroughput(opts: {
  api: LoadApi;
  url: string;
  images: readonly LoadImage[];
  concurrency: number;
  rounds: number;
  rawRunsPerBlock: number;
  rawRun: (i: number) => Promise<number>;
}): Promise<PairedThroughput> {
  const rounds: PairedThroughput['rounds'] = [];
  let rawRuns = 0;
  let rawMs = 0;
  let httpOk = 0;
  let httpSeconds = 0;
  for (let r = 0; r < opts.rounds; r++) {
    const started = performance.now();
    for (let i = 0; i < opts.rawRunsPerBlock; i++)
      await opts.rawRun((r * opts.rawRunsPerBlock + i) % opts.images.length);
    const blockMs = performance.now() - started;
    const run = await runLoad({
      baseUrl: opts.url,
      api: opts.api,
      schedule: { kind: 'concurrency', concurrency: opts.concurrency },
      limit: Math.max(opts.rawRunsPerBlock, opts.concurrency * 3),
      durationSeconds: 120,
      timeoutMs: 60_000,
      seed: 100 + r,
      images: opts.images,
    });
    const summary = summarizeRecords(run.records, run.durationSeconds);
    rounds.push({
      rawRunsPerSecond: (opts.rawRunsPerBlock * 1000) / blockMs,
      httpRps: summary.okThroughputRps,
    });
    rawRuns += opts.rawRunsPerBlock;
    rawMs += blockMs;
    httpOk += summary.ok;
    httpSeconds += run.durationSeconds;
  }
  const rawRunsPerSecond = (rawRuns * 1000) / rawMs;
  const httpRps = httpOk / httpSeconds;
  return {
    concurrency: opts.concurrency,
    rounds,
    rawRunsPerSecond,
    httpRps,
    ratio: httpRps / rawRunsPerSecond,
  };
}

export const CONCURRENCY_LADDER = [1, 2, 3, 4, 6, 8, 12, 16] as const;

export async function measureSaturation(opts: {
  api: LoadApi;
  url: string;
  images: readonly LoadImage[];
  requestsPerStep: number;
  maxSecondsPerStep: number;
  ladder?: readonly number[];
}): Promise<SaturationResult> {
  const steps: SaturationStep[] = [];
  let best = { rps: 0, concurrency: 0 };
  let flatSteps = 0;
  for (const concurrency of opts.ladder ?? CONCURRENCY_LADDER) {
    const run = await runLoad({
      baseUrl: opts.url,
      api: opts.api,
      schedule: { kind: 'concurrency', concurrency },
      // Every worker gets several requests so ramp-up and tail do not dominate.
      limit: Math.max(opts.requestsPerStep, concurrency * 4),
      durationSeconds: opts.maxSecondsPerStep,
      timeoutMs: 60_000,
      seed: concurrency,
      images: opts.images,
    });
    const summary = summarizeRecords(run.records, run.durationSeconds);
    steps.push({
      concurrency,
      requests: summary.requests,
      ok: summary.ok,
      throughputRps: summary.okThroughputRps,
      p50Ms: summary.latencyMs?.p50 ?? null,
      p95Ms: summary.latencyMs?.p95 ?? null,
      errors: summary.errorsByKind,
    });
    if (summary.okThroughputRps > best.rps * 1.03) {
      flatSteps = 0;
    } else {
      flatSteps += 1;
    }
    if (summary.okThroughputRps > best.rps) best = { rps: summary.okThroughputRps, concurrency };
    if (flatSteps >= 2 || summary.failed > summary.requests / 2) break;
  }
  return { steps, maxThroughputRps: best.rps, atConcurrency: best.concurrency };
}
