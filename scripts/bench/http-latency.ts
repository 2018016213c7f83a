/**
 * HTTP latency at concurrency 1, direct to the service and through the gateway,
 * interleaved request by request (direct, gateway, direct, ...) so both see the
 * same machine load; the gateway overhead is the difference of the two p50s.
 */
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import type { LoadImage } from '../load/image-source.ts';
import { computeLatencyStats, type LatencyStats } from '../load/latency-stats.ts';
import type { LoadApi, RequestRecord } from '../load/request-record.ts';
import { sendLoadRequest } from '../load/send-request.ts';

export interface StageTimings {
  /** Per stage (decodeMs, preprocessMs, inferenceMs, postprocessMs, totalMs): p50 and mean in ms. */
  [stage: string]: { p50: number; mean: number };
}

export interface HttpLatencyResult {
  direct: LatencyStats;
  gateway: LatencyStats | null;
  /** gateway p50 - direct p50 (ms). */
  gatewayOverheadP50Ms: number | null;
  /** Median of (gateway - direct) over the pairs sent back to back with the same image. */
  gatewayOverheadPairedMedianMs: number | null;
  /** Server-reported stage timings of the direct requests. */
  stages: StageTimings;
  /** Raw `session.run` times taken in the same rounds (when a raw runner was given). */
  rawInterleaved: LatencyStats | null;
  failures: number;
}

export function summarizeStages(records: readonly RequestRecord[]): StageTimings {
  const byStage = new Map<string, number[]>();
  for (const r of records) {
    if (!r.ok) continue;
    for (const [stage, value] of Object.entries(r.server_timings ?? {})) {
      byStage.set(stage, [...(byStage.get(stage) ?? []), value]);
    }
  }
  const out: StageTimings = {};
  for (const [stage, values] of byStage) {
    const stats = computeLatencyStats(values)!;
    out[stage] = { p50: stats.p50, mean: stats.mean };
  }
  return out;
}

export async function measureHttpLatency(opts: {
  api: LoadApi;
  directUrl: string;
  gatewayUrl: string | null;
  images: readonly LoadImage[];
  rounds: number;
  warmup?: number;
  timeoutMs?: number;
  /** Runs raw inference on image i and returns its time in ms; called once per round, between the requests. */
  rawRun?: (i: number) => Promise<number>;
}): Promise<HttpLatencyResult> {
  const dispatcher = new Agent({ connections: 1, keepAliveTimeout: 30_000 });
  const runStartedAt = performance.now();
  const ctx = (baseUrl: string) => ({
    baseUrl,
    dispatcher,
    timeoutMs: opts.timeoutMs ?? 30_000,
    runStartedAt,
  });
  const direct: RequestRecord[] = [];
  const gateway: RequestRecord[] = [];
  const raw: number[] = [];
  try {
    const warmup = opts.warmup ?? 3;
    for (let i = -warmup; i < opts.rounds; i++) {
      const image = opts.images[((i % opts.images.length) + opts.images.length) % opts.images.length]!;
      // Alternate which goes first so neither always follows the other.
      const order: ('raw' | 'direct' | 'gateway')[] =
        i % 2 === 0 ? ['raw', 'direct', 'gateway'] : ['gateway', 'direct', 'raw'];
      for (const which of order) {
        if (which === 'raw') {
          if (opts.rawRun) {
            const ms = await opts.rawRun(
              ((i % opts.images.length) + opts.images.length) % opts.images.length,
            );
            if (i >= 0) raw.push(ms);
          }
          continue;
        }
        if (which === 'gateway' && !opts.gatewayUrl) continue;
        const url = which === 'direct' ? opts.directUrl : opts.gatewayUrl!;
        const record = await sendLoadRequest(ctx(url), opts.api, image, `bench-${which}-${i + warmup}`, 0);
        if (i >= 0) (which === 'direct' ? direct : gateway).push(record);
      }
    }
  } finally {
    await dispatcher.close();
  }
  const okLatency = (records: RequestRecord[]) =>
    computeLatencyStats(records.filter((r) => r.ok).map((r) => r.latency_ms));
  const directStats = okLatency(direct);
  if (!directStats) {
    const firstError = direct.find((r) => r.error)?.error;
    throw new Error(
      `no successful direct request (${firstError?.kind} ${firstError?.code ?? ''} ${firstError?.message ?? ''})`,
    );
  }
  const gatewayStats = okLatency(gateway);
  return {
    direct: directStats,
    gateway: gatewayStats,
    gatewayOverheadP50Ms: gatewayStats ? gatewayStats.p50 - directStats.p50 : null,
    gatewayOverheadPairedMedianMs: pairedMedianDifference(direct, gateway),
    stages: summarizeStages(direct),
    rawInterleaved: computeLatencyStats(raw),
    failures: [...direct, ...gateway].filter((r) => !r.ok).length,
  };
}

function pairedMedianDifference(
  direct: readonly RequestRecord[],
  gateway: readonly RequestRecord[],
): number | null {
  const diffs: number[] = [];
  for (let i = 0; i < Math.min(direct.length, gateway.length); i++) {
    if (direct[i]!.ok && gateway[i]!.ok) diffs.push(gateway[i]!.latency_ms - direct[i]!.latency_ms);
  }
  return computeLatencyStats(diffs)?.p50 ?? null;
}

export interface ProbeOverhead {
  path: string;
  pairs: number;
  directP50Ms: number;
  gatewayP50Ms: number;
  /** Median of per-pair differences. */
  pairedMedianMs: number;
}

/**
 * The gateway's own cost per request, without inference noise: a tiny GET (liveness) sent
 * direct and through the gateway, back to back, many times.
 */
export async function measureGatewayProbe(opts: {
  directUrl: string;
  gatewayUrl: string;
  path: string;
  pairs: number;
}): Promise<ProbeOverhead> {
  const dispatcher = new Agent({ connections: 1, keepAliveTimeout: 30_000 });
  const direct: number[] = [];
  const gateway: number[] = [];
  const diffs: number[] = [];
  const once = async (base: string) => {
    const started = performance.now();
    const res = await request(new URL(opts.path, base), { dispatcher });
    await res.body.arrayBuffer();
    if (res.statusCode !== 200) throw new Error(`GET ${opts.path} answered ${res.statusCode}`);
    return performance.now() - started;
  };
  try {
    for (let i = -10; i < opts.pairs; i++) {
      const first = i % 2 === 0;
      const a = await once(first ? opts.directUrl : opts.gatewayUrl);
      const b = await once(first ? opts.gatewayUrl : opts.directUrl);
      if (i < 0) continue;
      const [d, g] = first ? [a, b] : [b, a];
      direct.push(d);
      gateway.push(g);
      diffs.push(g - d);
    }
  } finally {
    await dispatcher.close();
  }
  return {
    path: opts.path,
    pairs: opts.pairs,
    directP50Ms: computeLatencyStats(direct)!.p50,
    gatewayP50Ms: computeLatencyStats(gateway)!.p50,
    pairedMedianMs: computeLatencyStats(diffs)!.p50,
  };
}
