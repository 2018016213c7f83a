/**
 * The only module that touches onnxruntime-node: session options from config, one session per
 * model created once, input/output description, run, release; plus the model file's checksum.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import ort from 'onnxruntime-node';
import { loadOnnxModelInWorker } from './onnx-worker.ts';

/** Device -> ONNX Runtime execution provider. Only the CPU provider ships in onnxruntime-node's npm package. */
export const EXECUTION_PROVIDERS = Object.freeze({
  cpu: 'cpu',
  cuda: 'cuda',
  tensorrt: 'tensorrt',
} as const);
export type Device = keyof typeof EXECUTION_PROVIDERS;

export const GRAPH_OPTIMIZATION_LEVELS = ['disabled', 'basic', 'extended', 'all'] as const;
export type GraphOptimizationLevel = (typeof GRAPH_OPTIMIZATION_LEVELS)[number];

export interface OnnxSessionConfig {
  /** 0 = let ONNX Runtime pick (one per core). */
  intraOpThreads: number;
  interOpThreads: number;
  graphOptimizationLevel: GraphOptimizationLevel;
  device: string;
  /**
   * Busy-wait of idle intra-op threads. Off by default: on small, shared CPUs (2-core tasks, CI) the
   * spinning threads steal the cores the other threads need (measured p50 632 ms with it off vs
   * 1065 ms on, 2 threads, loaded 2-core box).
   */
  allowSpinning?: boolean;
  /**
   * Run the session in a worker thread so inference never blocks the event loop (see
   * onnx-worker.ts). @default true
   */
  workerThread?: boolean;
}

export function executionProviderFor(device: string): string {
  const provider = (EXECUTION_PROVIDERS as Record<string, string>)[device];
  if (!provider) {
    throw new Error(
      `unknown device "${device}"; valid values: ${Object.keys(EXECUTION_PROVIDERS).join(', ')}`,
    );
  }
  return provider;
}

export function buildSessionOptions(config: OnnxSessionConfig): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [executionProviderFor(config.device)],
    graphOptimizationLevel: config.graphOptimizationLevel,
    ...(config.intraOpThreads > 0 ? { intraOpNumThreads: config.intraOpThreads } : {}),
    interOpNumThreads: config.interOpThreads,
    executionMode: 'sequential',
    extra: { session: { intra_op: { allow_spinning: config.allowSpinning ? '1' : '0' } } },
  };
}

export interface TensorDescription {
  name: string;
  /** Dimensions; symbolic ones are strings (e.g. "height"), unknown ones -1. */
  shape: (number | string)[];
  type: string;
}

export interface ModelFileInfo {
  file: string;
  sha256: string;
  bytes: number;
}

export type Feeds = Record<string, ort.Tensor>;
export type TensorData = Float32Array | Uint8Array | Int32Array | BigInt64Array;

export interface OnnxModel {
  readonly inputs: readonly TensorDescription[];
  readonly outputs: readonly TensorDescription[];
  readonly loadMs: number;
  run(
    feeds: Record<string, { data: TensorData; dims: readonly number[] }>,
  ): Promise<Record<string, OutputTensor>>;
  dispose(): Promise<void>;
}

export interface OutputTensor {
  data: ort.Tensor['data'];
  dims: readonly number[];
  type: string;
}

function describe(meta: readonly ort.InferenceSession.ValueMetadata[]): TensorDescription[] {
  return meta.map((m) =>
    m.isTensor
      ? { name: m.name, shape: m.shape.map((d) => (typeof d === 'number' ? d : d)), type: m.type }
      : { name: m.name, shape: [], type: 'non-tensor' },
  );
}

const tensorTypeOf = (data: TensorData): 'float32' | 'uint8' | 'int32' | 'int64' =>
  data instanceof Float32Array
    ? 'float32'
    : data instanceof Uint8Array
      ? 'uint8'
      : data instanceof Int32Array
        ? 'int32'
        : 'int64';

export async function loadOnnxModel(path: string, config: OnnxSessionConfig): Promise<OnnxModel> {
  if (config.workerThread ?? true) return loadOnnxModelInWorker(path, buildSessionOptions(config));
  const started = performance.now();
  const session = await ort.InferenceSession.create(path, buildSessionOptions(config));
  const loadMs = performance.now() - started;
  let released = false;
  return {
    inputs: describe(session.inputMetadata),
    outputs: describe(session.outputMetadata),
    loadMs,
    async run(feeds) {
      const tensors: Feeds = {};
      for (const [name, { data, dims }] of Object.entries(feeds)) {
        tensors[name] = new ort.Tensor(tensorTypeOf(data), data, dims);
      }
      const results = await session.run(tensors);
      const out: Record<string, OutputTensor> = {};
      for (const [name, tensor] of Object.entries(results)) {
        out[name] = { data: tensor.data, dims: tensor.dims, type: tensor.type };
      }
      return out;
    },
    async dispose() {
      if (released) return;
      released = true;
      await session.release();
    },
  };
}

/** SHA-256 and size of a model file, streamed (models can be hundreds of MB). */
export async function describeModelFile(path: string): Promise<ModelFileInfo> {
  const { size } = await stat(path);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { file: path, sha256: hash.digest('hex'), bytes: size };
}
