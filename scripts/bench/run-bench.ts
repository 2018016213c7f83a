/**
 * One benchmark run over the COCO images for each model: raw ONNX Runtime inference,
 * per-stage server timings and HTTP latency at concurrency 1 (direct and through the
 * gateway, interleaved), then saturation throughput; all in the same process and run.
 */
import { performance } from 'node:perf_hooks';
import { SERVICES } from '@mlip/catalogue';
import type { LoadImage } from '../load/image-source.ts';
import type { BenchModelSpec } from './bench-models.ts';
import { type BenchResult, checkTargets, computeRatios, type ModelBench } from './bench-result.ts';
import { measureGatewayProbe, measureHttpLatency, type ProbeOverhead } from './http-latency.ts';
import { describeMachine } from './machine-info.ts';
import {
  createRawRunner,
  measureRawInference,
  preprocessToTensor,
  readModelInput,
  type SessionConfig,
} from './raw-inference.ts';
import {
  CONCURRENCY_LADDER,
  measurePairedThroughput,
  measureSaturation,
  type PairedThroughput,
} from './saturation.ts';

export interface BenchEndpoints {
  /** Base URL of the service itself, per model key. */
  direct: Record<string, string>;
  /** Base URL of the local gateway. */
  gateway: string | null;
}

export interface BenchOptions {
  models: readonly BenchModelSpec[];
  images: readonly LoadImage[];
  endpoints: BenchEndpoints;
  /** Session settings to measure; the first is the reference (what the service uses). */
  sessionConfigs: readonly SessionConfig[];
  serviceEnv: Record<string, string>;
  saturationRequestsPerStep: number;
  saturationMaxSecondsPerStep: number;
  /** Highest concurrency of the saturation ladder. */
  maxConcurrency: number;
  /** Alternating raw/HTTP blocks for the throughput ratio. */
  pairedRounds: number;
  log?: (line: string) => void;
}

export async function runBench(opts: BenchOptions): Promise<BenchResult> {
  const log = opts.log ?? (() => {});
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const machine = describeMachine();
  const models: ModelBench[] = [];
  for (const spec of opts.models) {
    log(`[${spec.label}] ${spec.modelNote}`);
    const input = await readModelInput(spec.modelPath, spec.fallbackSize);
    const tensors = [];
    for (const image of opts.images) tensors.push(await preprocessToTensor(image.bytes!, input.size));
    log(
      `[${spec.label}] raw session.run over ${tensors.length} tensors ${input.size.join('x')}, ${opts.sessionConfigs.length} settings`,
    );
    const raw = await measureRawInference({
      modelPath: spec.modelPath,
      inputName: input.name,
      tensors,
      configs: opts.sessionConfigs,
    });
    for (const r of raw)
      log(
        `  ${r.config.label}: p50 ${r.latencyMs.p50.toFixed(1)} ms, ${r.throughputPerSecond.toFixed(2)} runs/s`,
      );
    const directUrl = opts.endpoints.direct[spec.key];
    if (!directUrl) throw new Error(`no direct URL for ${spec.key}`);
    const rawRunner = await createRawRunner({
      modelPath: spec.modelPath,
      inputName: input.name,
      tensors,
      config: opts.sessionConfigs[0]!,
    });
    let http: Awaited<ReturnType<typeof measureHttpLatency>>;
    let saturation: Awaited<ReturnType<typeof measureSaturation>>;
    let paired: PairedThroughput;
    let probe: ProbeOverhead | null = null;
    try {
      log(`[${spec.label}] concurrency 1: raw run, direct HTTP, gateway HTTP, interleaved per image`);
      http = await measureHttpLatency({
        api: spec.api,
        directUrl,
        gatewayUrl: opts.endpoints.gateway,
        images: opts.images,
        rounds: opts.images.length,
        rawRun: rawRunner.run,
      });
      log(
        `  raw p50 ${http.rawInterleaved?.p50.toFixed(1)} ms, direct p50 ${http.direct.p50.toFixed(1)} ms, gateway p50 ${http.gateway?.p50.toFixed(1) ?? 'n/a'} ms`,
      );
      if (opts.endpoints.gateway) {
        probe = await measureGatewayProbe({
          directUrl,
          gatewayUrl: opts.endpoints.gateway,
          path:
            spec.api === 'detect' ? SERVICES['yolo-api'].livenessPath : SERVICES['depth-api'].livenessPath,
          pairs: 200,
        });
        log(
          `  gateway probe ${probe.path}: paired median +${probe.pairedMedianMs.toFixed(2)} ms over ${probe.pairs} pairs`,
        );
      }
      log(`[${spec.label}] saturation ladder`);
      saturation = await measureSaturation({
        api: spec.api,
        url: directUrl,
        images: opts.images,
        requestsPerStep: opts.saturationRequestsPerStep,
        maxSecondsPerStep: opts.saturationMaxSecondsPerStep,
        ladder: CONCURRENCY_LADDER.filter((c) => c <= opts.maxConcurrency),
      });
      for (const s of saturation.steps) {
        log(`  c=${s.concurrency}: ${s.throughputRps.toFixed(2)} req/s, p50 ${s.p50Ms?.toFixed(1)} ms`);
      }
      log(`[${spec.label}] throughput at c=${saturation.atConcurrency}, blocks alternating with raw runs`);
      paired = await measurePairedThroughput({
        api: spec.api,
        url: directUrl,
        images: opts.images,
        concurrency: Math.max(1, saturation.atConcurrency),
        rounds: opts.pairedRounds,
        rawRunsPerBlock: Math.min(16, Math.max(4, opts.images.length)),
        rawRun: rawRunner.run,
      });
      log(
        `  raw ${paired.rawRunsPerSecond.toFixed(2)} runs/s, HTTP ${paired.httpRps.toFixed(2)} req/s (${paired.ratio.toFixed(2)}x)`,
      );
    } finally {
      await rawRunner.release();
    }
    const ref = raw[0]!;
    const model: ModelBench = {
      key: spec.key,
      api: spec.api,
      label: spec.label,
      modelPath: spec.modelPath,
      modelNote: spec.modelNote,
      inputSize: input.size,
      images: opts.images.length,
      raw,
      http,
      saturation,
      paired,
      gatewayProbe: probe,
      ratios: computeRatios(ref.latencyMs, http, paired),
    };
    models.push(model);
  }
  return {
    startedAt,
    durationSeconds: (performance.now() - started) / 1000,
    machine,
    serviceEnv: opts.serviceEnv,
    models,
    targets: models.flatMap(checkTargets),
  };
}
