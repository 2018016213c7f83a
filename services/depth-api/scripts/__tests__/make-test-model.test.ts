import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectedTestDepth,
  TEST_MODEL_INPUT_NAME,
  TEST_MODEL_OUTPUT_NAME,
  TEST_MODEL_STATIC_SIZE,
} from '../lib/test-depth-model.ts';
import { makeTestModels, type TestModelPaths } from '../make-test-model.ts';

describe('make-test-model', () => {
  let outDir: string;
  let paths: TestModelPaths;
  let session: ort.InferenceSession;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'depth-test-model-'));
    paths = makeTestModels(outDir);
    session = await ort.InferenceSession.create(paths.dynamic);
  });

  afterAll(async () => {
    await session?.release();
    rmSync(outDir, { recursive: true, force: true });
  });

  it('when loaded, the dynamic model has the Depth Anything V2 signature', () => {
    expect(session.inputMetadata).toEqual([
      { name: TEST_MODEL_INPUT_NAME, isTensor: true, type: 'float32', shape: [1, 3, 'height', 'width'] },
    ]);
    expect(session.outputMetadata).toEqual([
      { name: TEST_MODEL_OUTPUT_NAME, isTensor: true, type: 'float32', shape: [1, 'height', 'width'] },
    ]);
  });

  it('when run on a 5x7 input, outputs the weighted channel sum plus offset for every pixel', async () => {
    const [height, width] = [5, 7];
    const plane = height * width;
    const input = Float32Array.from({ length: 3 * plane }, (_, i) => Math.sin(i * 1.7) * 2);

    const output = await session.run({
      [TEST_MODEL_INPUT_NAME]: new ort.Tensor('float32', input, [1, 3, height, width]),
    });

    const depth = output[TEST_MODEL_OUTPUT_NAME]!;
    expect(depth.dims).toEqual([1, height, width]);
    const data = depth.data as Float32Array;
    for (let i = 0; i < plane; i++) {
      const rgb = [input[i]!, input[plane + i]!, input[2 * plane + i]!] as const;
      expect(data[i]).toBeCloseTo(expectedTestDepth(rgb), 5);
    }
  });

  it('when loaded, the static model has a fixed 518x518 input and output', async () => {
    const fixed = await ort.InferenceSession.create(paths.static);
    try {
      const input = fixed.inputMetadata[0]!;
      const output = fixed.outputMetadata[0]!;
      expect(input.isTensor && input.shape).toEqual([1, 3, TEST_MODEL_STATIC_SIZE, TEST_MODEL_STATIC_SIZE]);
      expect(output.isTensor && output.shape).toEqual([1, TEST_MODEL_STATIC_SIZE, TEST_MODEL_STATIC_SIZE]);
    } finally {
      await fixed.release();
    }
  });

  it('when run twice, leaves unchanged files untouched', () => {
    const before = statSync(paths.dynamic).mtimeMs;

    makeTestModels(outDir);

    expect(statSync(paths.dynamic).mtimeMs).toBe(before);
  });
});
