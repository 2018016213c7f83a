/**
 * An ONNX model whose session lives in a worker thread.
 *
 * onnxruntime-node's `session.run` is synchronous native code behind a Promise (it only defers the
 * call with setImmediate; microsoft/onnxruntime#19611): while the model runs, the service's event
 * loop is blocked. Requests then cannot even be received (a 0.5 MB upload needs several loop turns,
 * each gated by an inference), readyz stops answering the ALB health check, and a request's latency
 * under load is no longer bounded by the admission queue. In a worker thread the model runs beside
 * the event loop; the price is one memcpy of the inputs per run and a thread hop each way.
 *
 * The input copies live in a small pool of ArrayBuffers that travel to the worker and back with
 * each run (transferred both ways, never cloned). A fresh 4.9 MB buffer per run cost 8-16 ms of
 * first-touch page faults on a 2-vCPU VM (the allocation is returned to the OS when the worker
 * frees it); a pooled one is already mapped, and the copy into it takes ~0.2 ms.
 *
 * The worker is plain JavaScript evaluated from a string, and requires onnxruntime-node by the
 * absolute path resolved here, so it works the same under tsx, in the esbuild production bundle
 * and in the container image (no separate worker file to ship).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { InferenceSession } from 'onnxruntime-node';
import type { OnnxModel, OutputTensor, TensorData, TensorDescription } from './onnx-session.ts';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const describe = (meta) => meta.map((m) => m.isTensor
  ? { name: m.name, shape: m.shape.slice(), type: m.type }
  : { name: m.name, shape: [], type: 'non-tensor' });
const typeOf = (data) => data instanceof Float32Array ? 'float32' : data instanceof Uint8Array ? 'uint8'
  : data instanceof Int32Array ? 'int32' : 'int64';
let session;
parentPort.on('message', async (msg) => {
  try {
    if (msg.kind === 'load') {
      const started = performance.now();
      session = await ort.InferenceSession.create(workerData.path, workerData.options);
      parentPort.postMessage({ id: msg.id, ok: true, value: {
        inputs: describe(session.inputMetadata), outputs: describe(session.outputMetadata),
        loadMs: performance.now() - started } });
    } else if (msg.kind === 'run') {
      const feeds = {};
      for (const [name, { data, dims }] of Object.entries(msg.feeds)) feeds[name] = new ort.Tensor(typeOf(data), data, dims);
      // The input buffers go back to the caller's pool with the answer, whatever the answer is.
      const inputs = Object.values(msg.feeds).map((f) => f.data.buffer);
      let results;
      try {
        results = await session.run(feeds);
      } catch (error) {
        parentPort.postMessage({ id: msg.id, ok: false, error: error && error.message ? error.message : String(error), inputs }, inputs);
        return;
      }
      const out = {};
      const transfer = [...inputs];
      for (const [name, t] of Object.entries(results)) {
        out[name] = { data: t.data, dims: t.dims.slice(), type: t.type };
        if (t.data && t.data.buffer instanceof ArrayBuffer && !transfer.includes(t.data.buffer)) transfer.push(t.data.buffer);
      }
      try {
        parentPort.postMessage({ id: msg.id, ok: true, value: out, inputs }, transfer);
      } catch {
        parentPort.postMessage({ id: msg.id, ok: true, value: out, inputs }, inputs);
      }
    } else if (msg.kind === 'dispose') {
      if (session) await session.release();
      session = undefined;
      parentPort.postMessage({ id: msg.id, ok: true, value: null });
    }
  } catch (error) {
    parentPort.postMessage({ id: msg.id, ok: false, error: error && error.message ? error.message : String(error) });
  }
});
`;

interface WorkerReply {
  id: number;
  ok: boolean;
  value?: unknown;
  error?: string;
  /** The run's input buffers, handed back for reuse. */
  inputs?: ArrayBuffer[];
}

/**
 * Input buffers by size, reused across runs. At most `perSize` of each size are kept (one per run
 * in flight is all a steady load needs); a buffer of a size not seen again is dropped with the
 * next different one, so a model with dynamic input sizes does not pin memory.
 */
export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();

  constructor(private readonly perSize = 4) {}

  take(byteLength: number): ArrayBuffer {
    return this.free.get(byteLength)?.pop() ?? new ArrayBuffer(byteLength);
  }

  put(buffer: ArrayBuffer): void {
    if (buffer.byteLength === 0) return; // detached: it was not ours to keep
    let list = this.free.get(buffer.byteLength);
    if (!list) {
      // Sizes other than this one are dropped: only the latest input size is kept warm.
      this.free.clear();
      list = [];
      this.free.set(buffer.byteLength, list);
    }
    if (list.length < this.perSize) list.push(buffer);
  }

  /** Buffers held, for tests. */
  get size(): number {
    let n = 0;
    for (const list of this.free.values()) n += list.length;
    return n;
  }
}

/** A view of `buffer` of the same type as `data`, holding a copy of it. */
function copyInto(buffer: ArrayBuffer, data: TensorData): TensorData {
  if (data instanceof Float32Array) return copied(new Float32Array(buffer), data);
  if (data instanceof Int32Array) return copied(new Int32Array(buffer), data);
  if (data instanceof BigInt64Array) return copied(new BigInt64Array(buffer), data);
  return copied(new Uint8Array(buffer), data);
}

function copied<T extends { set(source: T): void }>(view: T, source: T): T {
  view.set(source);
  return view;
}

interface Pending {
  resolve: (value: never) => void;
  reject: (error: Error) => void;
}

/** Loads the model in a new worker thread; rejects with ONNX Runtime's message when it cannot. */
export async function loadOnnxModelInWorker(
  path: string,
  options: InferenceSession.SessionOptions,
): Promise<OnnxModel> {
  const ortPath = createRequire(import.meta.url).resolve('onnxruntime-node');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, options, ortPath },
    // The service's own loaders (tsx in development) are not needed by plain JS.
    execArgv: [],
  });
  const pending = new Map<number, Pending>();
  const pool = new BufferPool();
  let nextId = 0;
  let exited: Error | undefined;

  const idle = () => {
    // An idle worker must not keep the process alive; one with work in flight must.
    if (pending.size === 0) worker.unref();
  };
  const failAll = (error: Error) => {
    exited = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  worker.on('message', (msg: WorkerReply) => {
    for (const buffer of msg.inputs ?? []) pool.put(buffer);
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.value as never);
    else p.reject(new Error(msg.error));
    idle();
  });
  worker.on('error', (error) => failAll(new Error(`inference worker failed: ${error.message}`)));
  worker.on('exit', (code) => failAll(new Error(`inference worker exited (code ${code})`)));

  const call = <T>(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<T> => {
    if (exited) return Promise.reject(exited);
    const id = nextId++;
    worker.ref();
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: never) => void, reject });
      worker.postMessage({ ...message, id }, transfer);
    });
  };

  let info: { inputs: TensorDescription[]; outputs: TensorDescription[]; loadMs: number };
  try {
    info = await call({ kind: 'load' });
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  let released = false;
  return {
    inputs: info.inputs,
    outputs: info.outputs,
    loadMs: info.loadMs,
    run(feeds: Record<string, { data: TensorData; dims: readonly number[] }>) {
      // Callers may reuse their input buffers, so each input is copied (a memcpy) into a pooled
      // buffer that is transferred; structured-cloning a 5 MB typed array instead costs ~20 ms.
      const copies: Record<string, { data: TensorData; dims: readonly number[] }> = {};
      const transfer: ArrayBuffer[] = [];
      for (const [name, { data, dims }] of Object.entries(feeds)) {
        const copy = copyInto(pool.take(data.byteLength), data);
        copies[name] = { data: copy, dims: [...dims] };
        transfer.push(copy.buffer as ArrayBuffer);
      }
      return call<Record<string, OutputTensor>>({ kind: 'run', feeds: copies }, transfer);
    },
    async dispose() {
      if (released) return;
      released = true;
      try {
        if (!exited) await call({ kind: 'dispose' });
      } finally {
        await worker.terminate();
      }
    },
  };
}
