/**
 * Saturation throughput: closed loop at increasing concurrency (1, 2, 3, 4, 6, 8, ...)
 * until throughput stops rising (two steps in a row under +3 %) or errors appear.
 */
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
