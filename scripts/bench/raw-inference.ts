/**
 * Raw ONNX Runtime inference time: `session.run` on already preprocessed tensors, nothing
 * else. Several session configurations (intra-op threads, graph optimisation level) run
 * interleaved image by image, so a noisy neighbour slows all of them alike.
 */
import { performance } from 'node:perf_hooks';
import { buildSessionOptions } from '@mlip/service-kit';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { computeLatencyStats, type LatencyStats } from '../load/latency-stats.ts';

export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

export interface SessionConfig {
  label: string;
  intraOpNumThreads: number;
  graphOptimizationLevel: GraphOptimizationLevel;
  /** ORT_ALLOW_SPINNING=1 in the service (off when absent, as in the service). */
  allowSpinning?: boolean;
}

export interface RawInferenceResult {
  config: SessionConfig;
  latencyMs: LatencyStats;
  /** Sequential runs per second (1000 / mean latency). */
  throughputPerSecond: number;
  loadMs: number;
}

export interface ModelInput {
  name: string;
  /** [height, width] fed to the model. */
  size: [number, number];
}

/** Input name and [height, width] of a model; dynamic dimensions fall back to `fallbackSize`. */
export async function readModelInput(modelPath: string, fallbackSize: number): Promise<ModelInput> {
  const session = await ort.InferenceSession.create(modelPath);
  try {
    const meta = session.inputMetadata[0];
    const name = session.inputNames[0]!;
    const shape = meta?.isTensor ? meta.shape : [];
    const dim = (i: number) =>
      typeof shape[i] === 'number' && (shape[i] as number) > 0 ? (shape[i] as number) : fallbackSize;
    return { name, size: [dim(2), dim(3)] };
  } finally {
    await session.release();
  }
}

/**
 * Letterboxed NCHW float tensor in 0..1, the way the detection service feeds the model.
 * Only the timing matters here; the values are realistic pixels rather than zeros.
 */
export async function preprocessToTensor(
  image: Buffer,
  [height, width]: [number, number],
): Promise<ort.Tensor> {
  const { data } = await sharp(image)
    .rotate()
    .resize(width, height, { fit: 'contain', background: { r: 114, g: 114, b: 114 } })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    out[i] = data[i * 3]! / 255;
    out[plane + i] = data[i * 3 + 1]! / 255;
    out[2 * plane + i] = data[i * 3 + 2]! / 255;
  }
  return new ort.Tensor('float32', out, [1, 3, height, width]);
}

export async function measureRawInference(opts: {
  modelPath: string;
  inputName: string;
  tensors: readonly ort.Tensor[];
  configs: readonly SessionConfig[];
  warmupRuns?: number;
}): Promise<RawInferenceResult[]> {
  const sessions: {
    config: SessionConfig;
    session: ort.InferenceSession;
    loadMs: number;
    times: number[];
  }[] = [];
  try {
    for (const config of opts.configs) {
      const started = performance.now();
      const session = await ort.InferenceSession.create(
        opts.modelPath,
        buildSessionOptions({
          intraOpThreads: config.intraOpNumThreads,
          interOpThreads: 1,
          graphOptimizationLevel: config.graphOptimizationLevel,
          device: 'cpu',
          allowSpinning: config.allowSpinning ?? false,
        }),
      );
      sessions.push({ config, session, loadMs: performance.now() - started, times: [] });
    }
    const warmup = opts.warmupRuns ?? 3;
    for (const s of sessions) {
      for (let i = 0; i < warmup; i++)
        await s.session.run({ [opts.inputName]: opts.tensors[i % opts.tensors.length]! });
    }
    for (const tensor of opts.tensors) {
      for (const s of sessions) {
        const started = performance.now();
        await s.session.run({ [opts.inputName]: tensor });
        s.times.push(performance.now() - started);
      }
    }
    return sessions.map((s) => {
      const latencyMs = computeLatencyStats(s.times)!;
      return { config: s.config, latencyMs, throughputPerSecond: 1000 / latencyMs.mean, loadMs: s.loadMs };
    });
  } finally {
    for (const s of sessions) await s.session.release();
  }
}

export interface RawRunner {
  /** Runs tensor i once and returns the time of `session.run` in ms. */
  run(i: number): Promise<number>;
  release(): Promise<void>;
}

/** A session with the given settings kept open, for raw runs interleaved with HTTP requests. */
export async function createRawRunner(opts: {
  modelPath: string;
  inputName: string;
  tensors: readonly ort.Tensor[];
  config: SessionConfig;
}): Promise<RawRunner> {
  const session = await ort.InferenceSession.create(
    opts.modelPath,
    buildSessionOptions({
      intraOpThreads: opts.config.intraOpNumThreads,
      interOpThreads: 1,
      graphOptimizationLevel: opts.config.graphOptimizationLevel,
      device: 'cpu',
      allowSpinning: opts.config.allowSpinning ?? false,
    }),
  );
  await session.run({ [opts.inputName]: opts.tensors[0]! });
  return {
    async run(i) {
      const started = performance.now();
      await session.run({ [opts.inputName]: opts.tensors[i % opts.tensors.length]! });
      return performance.now() - started;
    },
    release: () => session.release(),
  };
}
