import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDepthEstimator, type DepthEstimator } from '../depth-estimator.ts';
import { generateTestModels, readBus } from '../entry-points/__tests__/helpers.ts';

describe('createDepthEstimator (the API benchmarks and load tests use)', () => {
  let models: ReturnType<typeof generateTestModels>;
  let estimator: DepthEstimator;

  beforeAll(async () => {
    models = generateTestModels();
    estimator = await createDepthEstimator({ modelPath: models.dynamic, session: { intraOpThreads: 1 } });
  });

  afterAll(async () => {
    await estimator?.dispose();
    rmSync(models.dir, { recursive: true, force: true });
  });

  it('when given the bus photo as bytes with format raw, returns a float32 map of the photo size', async () => {
    const { estimate, encoded } = await estimator.estimate(await readBus(), { format: 'raw' });

    expect(estimate.image).toEqual({ width: 810, height: 1080 });
    expect(estimate.inputSize).toEqual([686, 518]);
    expect(encoded.mimeType).toBe('application/octet-stream');
    expect(encoded.body.byteLength).toBe(810 * 1080 * 4);
    expect(estimate.timings.encodeMs).toBeGreaterThanOrEqual(0);
    expect(estimate.timings.totalMs).toBeGreaterThan(0);
  });

  it('reports the model it loaded, with its checksum and size', () => {
    expect(estimator.info).toMatchObject({
      name: 'depth_anything_v2_small',
      dynamic: true,
      matchesCatalogue: false,
    });
    expect(estimator.info.bytes).toBeGreaterThan(0);
    expect(estimator.info.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
