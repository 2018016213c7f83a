import { loadConfig } from '@mlip/service-kit';
import { describe, expect, it, vi } from 'vitest';
import { depthConfigKeys } from '../../config.ts';
import { createDepthEstimator } from '../../depth-estimator.ts';
import { loadDepthModel } from '../depth-model-handle.ts';

vi.mock('node:fs', async (importOriginal) => ({
  ...(await importOriginal<typeof import('node:fs')>()),
  existsSync: () => true,
}));
vi.mock('../../depth-estimator.ts', () => ({
  createDepthEstimator: vi.fn(async () => ({ info: {}, dispose: async () => {} })),
}));

describe('loadDepthModel session settings', () => {
  it('when ORT_* variables are set, passes every one of them to the ONNX session, as yolo-api does', async () => {
    const config = loadConfig(depthConfigKeys, {
      MODEL_PATH: '/models/depth.onnx',
      ORT_INTRA_OP_THREADS: '3',
      ORT_INTER_OP_THREADS: '2',
      ORT_ALLOW_SPINNING: '1',
      ORT_GRAPH_OPT_LEVEL: 'basic',
      ORT_WORKER_THREAD: '0',
    });

    await loadDepthModel(config);

    expect(vi.mocked(createDepthEstimator).mock.calls[0]![0].session).toEqual({
      intraOpThreads: 3,
      interOpThreads: 2,
      allowSpinning: true,
      graphOptimizationLevel: 'basic',
      device: 'cpu',
      workerThread: false,
    });
  });
});
