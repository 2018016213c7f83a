/** Shape of `artifacts/bench.json` and the targets checked on it. */
import type { LatencyStats } from '../load/latency-stats.ts';
import type { HttpLatencyResult, ProbeOverhead } from './http-latency.ts';
import type { MachineInfo } from './machine-info.ts';
import type { RawInferenceResult } from './raw-inference.ts';
import type { PairedThroughput, SaturationResult } from './saturation.ts';

export interface ModelBench {
  key: string;
  api: 'detect' | 'depth';
  label: string;
  modelPath: string;
  /** e.g. "real model" or "generated stand-in model (not Depth Anything)". */
  modelNote: string;
  inputSize: [number, number];
  images: number;
  /** First entry is the reference: the session settings the service uses. */
  raw: RawInferenceResult[];
  http: HttpLatencyResult;
  saturation: SaturationResult;
  /** Throughput at the saturation concurrency, in blocks alternating with raw runs. */
  paired: PairedThroughput;
  /** Gateway cost on a tiny GET, many pairs (no inference noise). */
  gatewayProbe: ProbeOverhead | null;
  ratios: {
    /** Raw p50 taken interleaved with the HTTP requests (falls back to the raw-step p50). */
    rawP50Ms: number;
    httpP50OverRawP50: number;
    saturationOverRawThroughput: number;
    gatewayOverheadP50Ms: number | null;
  };
}

export interface TargetCheck {
  model: string;
  name: string;
  rule: string;
  value: string;
  pass: boolean;
}

export interface BenchResult {
  startedAt: string;
  durationSeconds: number;
  machine: MachineInfo;
  serviceEnv: Record<string, string>;
  models: ModelBench[];
  targets: TargetCheck[];
}

export function computeRatios(raw: LatencyStats, http: HttpLatencyResult, paired: PairedThroughput) {
  const rawP50Ms = http.rawInterleaved?.p50 ?? raw.p50;
  return {
    rawP50Ms,
    httpP50OverRawP50: http.direct.p50 / rawP50Ms,
    saturationOverRawThroughput: paired.ratio,
    gatewayOverheadP50Ms: http.gatewayOverheadP50Ms,
  };
}

/** The targets: detection HTTP p50 ≤ 1.15 × raw + 5 ms; saturation ≥ 0.9 × raw throughput; gateway < 1 ms at p50. */
export function checkTargets(model: ModelBench): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const rawP50 = model.ratios.rawP50Ms;
  if (model.api === 'detect') {
    const limit = 1.15 * rawP50 + 5;
    checks.push({
      model: model.key,
      name: 'HTTP p50 at concurrency 1',
      rule: '≤ 1.15 × raw p50 + 5 ms',
      value: `${model.http.direct.p50.toFixed(1)} ms vs limit ${limit.toFixed(1)} ms (raw p50 ${rawP50.toFixed(1)} ms, interleaved)`,
      pass: model.http.direct.p50 <= limit,
    });
  }
  checks.push({
    model: model.key,
    name: 'saturation throughput',
    rule: '≥ 0.9 × raw-inference throughput',
    value: `${model.paired.httpRps.toFixed(2)} req/s at c=${model.paired.concurrency} vs ${model.paired.rawRunsPerSecond.toFixed(2)} raw runs/s, alternating blocks (${model.ratios.saturationOverRawThroughput.toFixed(2)}×)`,
    pass: model.ratios.saturationOverRawThroughput >= 0.9,
  });
  const overhead = model.ratios.gatewayOverheadP50Ms;
  checks.push({
    model: model.key,
    name: 'gateway overhead at p50',
    rule: '< 1 ms',
    value:
      overhead === null
        ? 'not measured'
        : `${overhead.toFixed(2)} ms (paired median ${model.http.gatewayOverheadPairedMedianMs?.toFixed(2) ?? 'n/a'} ms; on ${model.gatewayProbe?.path ?? 'a tiny GET'}: ${model.gatewayProbe?.pairedMedianMs.toFixed(2) ?? 'n/a'} ms)`,
    pass: overhead !== null && overhead < 1,
  });
  return checks;
}
