/**
 * Latency percentiles and the end-of-run summary. Percentiles interpolate linearly
 * between the closest ranks (numpy's default), so p50 of [1, 2] is 1.5.
 */
import type { RequestRecord } from './request-record.ts';

export interface LatencyStats {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

export interface LoadSummary {
  requests: number;
  ok: number;
  failed: number;
  durationSeconds: number;
  /** Completed requests (any outcome) per second of wall time. */
  throughputRps: number;
  /** Successful requests per second of wall time. */
  okThroughputRps: number;
  /** Latency of the successful requests. */
  latencyMs: LatencyStats | null;
  /** Latency of every request, failures included. */
  allLatencyMs: LatencyStats | null;
  /** Mean server-reported stage timings of successful requests (decodeMs, inferenceMs, ...). */
  serverTimingsMs: Record<string, number>;
  errorsByKind: Record<string, number>;
  statusCounts: Record<string, number>;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low]!;
  return lowValue + (sorted[high]! - lowValue) * (rank - low);
}

export function computeLatencyStats(values: readonly number[]): LatencyStats | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((acc, v) => acc + v, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    mean: sum / sorted.length,
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
  };
}

/** Key used in `errorsByKind`: `HTTP 503 OVERLOADED`, `network ECONNREFUSED`, `timeout`. */
export function errorKindKey(record: RequestRecord): string | null {
  const error = record.error;
  if (!error) return null;
  if (error.kind === 'http') return `HTTP ${record.status}${error.code ? ` ${error.code}` : ''}`;
  if (error.kind === 'network') return `network ${error.code ?? 'error'}`;
  return error.kind;
}

export function summarizeRecords(records: readonly RequestRecord[], durationSeconds: number): LoadSummary {
  const okRecords = records.filter((r) => r.ok);
  const errorsByKind: Record<string, number> = {};
  const statusCounts: Record<string, number> = {};
  for (const record of records) {
    const key = errorKindKey(record);
    if (key) errorsByKind[key] = (errorsByKind[key] ?? 0) + 1;
    const status = record.status === null ? 'none' : String(record.status);
    statusCounts[status] = (statusCounts[status] ?? 0) + 1;
  }
  const timingSums: Record<string, { sum: number; n: number }> = {};
  for (const record of okRecords) {
    for (const [name, value] of Object.entries(record.server_timings ?? {})) {
      const slot = timingSums[name] ?? { sum: 0, n: 0 };
      slot.sum += value;
      slot.n += 1;
      timingSums[name] = slot;
    }
  }
  const serverTimingsMs = Object.fromEntries(
    Object.entries(timingSums).map(([name, { sum, n }]) => [name, sum / n]),
  );
  const safeDuration = durationSeconds > 0 ? durationSeconds : Number.NaN;
  return {
    requests: records.length,
    ok: okRecords.length,
    failed: records.length - okRecords.length,
    durationSeconds,
    throughputRps: records.length / safeDuration,
    okThroughputRps: okRecords.length / safeDuration,
    latencyMs: computeLatencyStats(okRecords.map((r) => r.latency_ms)),
    allLatencyMs: computeLatencyStats(records.map((r) => r.latency_ms)),
    serverTimingsMs,
    errorsByKind,
    statusCounts,
  };
}

export function formatSummary(summary: LoadSummary): string {
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const lines = [
    `requests ${summary.requests}  ok ${summary.ok}  failed ${summary.failed}  in ${summary.durationSeconds.toFixed(1)} s`,
    `throughput ${summary.throughputRps.toFixed(2)} req/s (ok ${summary.okThroughputRps.toFixed(2)} req/s)`,
  ];
  const lat = summary.latencyMs;
  if (lat) {
    lines.push(
      `latency (ok) p50 ${ms(lat.p50)}  p90 ${ms(lat.p90)}  p95 ${ms(lat.p95)}  p99 ${ms(lat.p99)}  mean ${ms(lat.mean)}  max ${ms(lat.max)}`,
    );
  } else {
    lines.push('latency (ok) n/a: no successful request');
  }
  const timings = Object.entries(summary.serverTimingsMs);
  if (timings.length > 0) {
    lines.push(`server timings (mean) ${timings.map(([k, v]) => `${k} ${v.toFixed(1)}`).join('  ')}`);
  }
  const errors = Object.entries(summary.errorsByKind).sort((a, b) => b[1] - a[1]);
  lines.push(
    errors.length === 0 ? 'errors none' : `errors ${errors.map(([k, n]) => `${k}: ${n}`).join(', ')}`,
  );
  return lines.join('\n');
}
