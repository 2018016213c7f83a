import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SERVICE_ENV, sessionConfigsFor } from '../session-configs.ts';

const cores = os.availableParallelism();

describe('sessionConfigsFor', () => {
  it('with the default service env, the reference is intra-op = cores, graph all, no spinning', () => {
    const [reference] = sessionConfigsFor({ ...DEFAULT_SERVICE_ENV });
    expect(reference).toMatchObject({
      intraOpNumThreads: cores,
      graphOptimizationLevel: 'all',
      allowSpinning: false,
    });
  });

  it('when the services get ORT_ALLOW_SPINNING=1 and one thread, the reference spins with one thread too, and a non-spinning row stays for comparison', () => {
    const configs = sessionConfigsFor({
      ...DEFAULT_SERVICE_ENV,
      ORT_INTRA_OP_THREADS: '1',
      ORT_ALLOW_SPINNING: '1',
    });
    expect(configs[0]).toMatchObject({ intraOpNumThreads: 1, allowSpinning: true });
    expect(configs[0]!.label).toContain('spinning');
    expect(configs).toContainEqual(expect.objectContaining({ intraOpNumThreads: 1, allowSpinning: false }));
    expect(new Set(configs.map((c) => c.label)).size).toBe(configs.length);
  });
});
