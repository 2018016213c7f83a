import { writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxModel, type OnnxModel, type OnnxSessionConfig } from '../onnx-session.ts';
import { BufferPool } from '../onnx-worker.ts';
import { MODEL_PATH } from './helpers.ts';

const CONFIG: OnnxSessionConfig = {
  intraOpThreads: 0,
  interOpThreads: 1,
  graphOptimizationLevel: 'all',
  device: 'cpu',
};
const DIMS = [1, 3, 640, 640] as const;

/** A letterbox-like input: a gradient, so a wrong or shifted copy changes the output. */
function input(period = 997): Float32Array {
  const data = new Float32Array(3 * 640 * 640);
  for (let i = 0; i < data.length; i++) data[i] = (i % period) / period;
  return data;
}

const bytesOf = (t: { data: unknown }) => Buffer.from((t.data as Float32Array).buffer);

/**
 * Ticks of a 5 ms interval that fire while a run is pending, per run: none or one or two (before
 * the deferred native call starts) when the run holds the event loop; many when it does not. A
 * count, not a duration, so a loaded machine moves both sides alike.
 */
async function ticksPerRun(model: OnnxModel, feeds: Parameters<OnnxModel['run']>[0], runs: number) {
  let ticks = 0;
  let pending = false;
  const timer = setInterval(() => {
    if (pending) ticks++;
  }, 5);
  try {
    for (let i = 0; i < runs; i++) {
      pending = true;
      await model.run(feeds);
      pending = false;
    }
  } finally {
    clearInterval(timer);
  }
  return ticks / runs;
}

describe('the ONNX model in a worker thread (the default)', () => {
  let inWorker: OnnxModel;
  let onMain: OnnxModel;
  beforeAll(async () => {
    inWorker = await loadOnnxModel(MODEL_PATH, CONFIG);
    onMain = await loadOnnxModel(MODEL_PATH, { ...CONFIG, workerThread: false });
  });
  afterAll(async () => {
    await inWorker?.dispose();
    await onMain?.dispose();
  });

  it('describes the model and answers exactly what the main-thread session answers, leaving the input untouched', async () => {
    expect(inWorker.inputs).toEqual(onMain.inputs);
    expect(inWorker.outputs).toEqual(onMain.outputs);
    expect(inWorker.inputs[0]).toMatchObject({ name: 'images', shape: [1, 3, 640, 640] });
    const data = input();
    const before = data.slice();
    const [a, b] = [
      await inWorker.run({ images: { data, dims: DIMS } }),
      await onMain.run({ images: { data, dims: DIMS } }),
    ];
    expect(a.output0!.dims).toEqual([1, 84, 8400]);
    expect(a.output0!.type).toBe('float32');
    expect(
      Buffer.from((a.output0!.data as Float32Array).buffer).equals(
        Buffer.from((b.output0!.data as Float32Array).buffer),
      ),
    ).toBe(true);
    // Callers reuse their tensor buffers: the input must still be there, unchanged.
    expect(data.length).toBe(before.length);
    expect(Buffer.from(data.buffer).equals(Buffer.from(before.buffer))).toBe(true);
  });

  it('keeps the event loop free while the model runs (the main-thread session holds it for a whole run)', async () => {
    const feeds = { images: { data: input(), dims: DIMS } };
    await inWorker.run(feeds);
    await onMain.run(feeds);
    const onMainTicks = await ticksPerRun(onMain, feeds, 3);
    const inWorkerTicks = await ticksPerRun(inWorker, feeds, 3);
    // A YOLOv8n run takes tens of ms or more: several 5 ms ticks fit in it when the loop is free.
    expect(onMainTicks).toBeLessThanOrEqual(2);
    expect(inWorkerTicks).toBeGreaterThanOrEqual(4);
  });

  it('runs requests that arrive together one after another and answers each', async () => {
    const feeds = { images: { data: input(), dims: DIMS } };
    const results = await Promise.all([1, 2, 3].map(() => inWorker.run(feeds)));
    for (const r of results) expect(r.output0!.dims).toEqual([1, 84, 8400]);
  });

  it('inputs in flight at once, and inputs after them in the same reused buffers, each get their own answer', async () => {
    const inputs = [input(997), input(251), input(61)];
    const expected = [];
    for (const data of inputs)
      expected.push(bytesOf((await onMain.run({ images: { data, dims: DIMS } })).output0!));
    expect(expected[0]!.equals(expected[1]!)).toBe(false);
    for (let round = 0; round < 2; round++) {
      const answers = await Promise.all(inputs.map((data) => inWorker.run({ images: { data, dims: DIMS } })));
      for (const [i, a] of answers.entries()) {
        expect(bytesOf(a.output0!).equals(expected[i]!), `round ${round} input ${i}`).toBe(true);
      }
    }
    // One after another: each run takes the buffer the previous one brought back.
    for (const [i, data] of [...inputs].reverse().entries()) {
      const a = await inWorker.run({ images: { data, dims: DIMS } });
      expect(bytesOf(a.output0!).equals(expected[inputs.length - 1 - i]!)).toBe(true);
    }
  });

  it('when the file is not a model, loading rejects with ONNX Runtime’s message and leaves no worker behind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onnx-worker-'));
    const bad = join(dir, 'bad.onnx');
    writeFileSync(bad, 'not a model');
    await expect(loadOnnxModel(bad, CONFIG)).rejects.toThrow(/protobuf|parse|load|model/i);
  });

  it('when the input does not fit the model, run rejects with the error and the model keeps working', async () => {
    await expect(
      inWorker.run({ images: { data: new Float32Array(12), dims: [1, 3, 2, 2] } }),
    ).rejects.toThrow();
    const ok = await inWorker.run({ images: { data: input(), dims: DIMS } });
    expect(ok.output0!.dims).toEqual([1, 84, 8400]);
  });

  it('after dispose, run rejects instead of hanging', async () => {
    const model = await loadOnnxModel(MODEL_PATH, CONFIG);
    await model.dispose();
    await expect(model.run({ images: { data: input(), dims: DIMS } })).rejects.toThrow(/worker/);
  });
});

describe('BufferPool (the input buffers that travel to the worker and back)', () => {
  it('hands back a buffer that was put, and a new one when it holds none of that size', () => {
    const pool = new BufferPool(2);
    const a = pool.take(16);
    expect(a.byteLength).toBe(16);
    pool.put(a);
    expect(pool.size).toBe(1);
    expect(pool.take(16)).toBe(a);
    expect(pool.take(16)).not.toBe(a);
  });

  it('keeps at most `perSize` buffers, only of the latest size, and never a detached one', () => {
    const pool = new BufferPool(2);
    for (let i = 0; i < 5; i++) pool.put(new ArrayBuffer(8));
    expect(pool.size).toBe(2);
    pool.put(new ArrayBuffer(32));
    expect(pool.size).toBe(1);
    expect(pool.take(8).byteLength).toBe(8);
    const detached = new ArrayBuffer(32);
    structuredClone(detached, { transfer: [detached] });
    expect(detached.byteLength).toBe(0);
    pool.put(detached);
    expect(pool.size).toBe(1);
  });
});
