import { rmSync } from 'node:fs';
import { startWebServer } from '@mlip/service-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DepthConfig } from '../../config.ts';
import type { DepthModelHandle } from '../depth-model-handle.ts';
import { type DepthServer, depthServiceDefinition, startDepthServer, stopDepthServer } from '../server.ts';
import { deferred, generateTestModels, imageForm, local, quietEnv, readBus, readError } from './helpers.ts';

/** A depth server whose requests wait inside their inference slot until `release` resolves. */
async function startHeldServer(modelPath: string, overrides: Partial<DepthConfig> = {}) {
  const release = deferred();
  const entered = deferred();
  const web: DepthServer = await startWebServer(
    {
      ...depthServiceDefinition,
      loadModel: async (config: DepthConfig, log): Promise<DepthModelHandle> => {
        const handle = await depthServiceDefinition.loadModel(config, log);
        const estimator = handle.estimator;
        return {
          ...handle,
          estimator: {
            ...estimator,
            estimate: async (image, options) => {
              entered.resolve();
              await release.promise;
              return estimator.estimate(image, options);
            },
          },
        };
      },
    },
    { env: quietEnv, overrides: { ...local, modelPath, ...overrides } },
  );
  await web.modelLoad;
  return { web, release, entered };
}

describe('depth-api lifecycle', () => {
  let models: ReturnType<typeof generateTestModels>;
  let bus: Buffer;
  let web: DepthServer | undefined;

  beforeAll(async () => {
    models = generateTestModels();
    bus = await readBus();
  });

  afterEach(async () => {
    if (web) await stopDepthServer(web);
    web = undefined;
  });

  afterAll(() => {
    rmSync(models.dir, { recursive: true, force: true });
  });

  it('while the model loads, readyz is 503 not-ready and inference 503 MODEL_NOT_READY; once loaded, readyz is 200', async () => {
    const gate = deferred();
    web = await startWebServer(
      {
        ...depthServiceDefinition,
        loadModel: async (config: DepthConfig, log) => {
          await gate.promise;
          return depthServiceDefinition.loadModel(config, log);
        },
      },
      { env: quietEnv, overrides: { ...local, modelPath: models.dynamic } },
    );

    const before = await fetch(`${web.url}/depthapi/readyz`);
    expect(before.status).toBe(503);
    expect(await before.json()).toEqual({ status: 'not-ready', reason: 'model loading' });
    const early = await fetch(`${web.url}/depthapi/v1/depth`, { method: 'POST', body: imageForm(bus) });
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).toBeTruthy();
    expect((await readError(early)).code).toBe('MODEL_NOT_READY');

    gate.resolve();
    await web.modelLoad;

    const after = await fetch(`${web.url}/depthapi/readyz`);
    expect(after.status).toBe(200);
    expect(await after.json()).toMatchObject({ status: 'ready' });
  });

  it('when there is no model file at all, readyz is 503 with the path as reason and inference 503, never 500', async () => {
    const missing = `${models.dir}/nothing-here/depth_anything_v2_small.onnx`;
    web = await startDepthServer({ env: quietEnv, overrides: { ...local, modelPath: missing } });
    await web.modelLoad;

    const ready = await fetch(`${web.url}/depthapi/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { status: string; reason: string };
    expect(body.status).toBe('not-ready');
    expect(body.reason).toContain('model file not found');
    expect(body.reason).toContain(missing);

    const infer = await fetch(`${web.url}/depthapi/v1/depth`, { method: 'POST', body: imageForm(bus) });
    expect(infer.status).toBe(503);
    expect((await readError(infer)).code).toBe('MODEL_NOT_READY');
    expect((await fetch(`${web.url}/depthapi/v1/model`)).status).toBe(503);
    expect((await fetch(`${web.url}/depthapi/healthz`)).status).toBe(200);
  });

  it('when MODELS_DIR holds the generated model under the catalogue name, it loads without MODEL_PATH', async () => {
    web = await startDepthServer({ env: { ...quietEnv, MODELS_DIR: models.dir }, overrides: { ...local } });
    await web.modelLoad;

    expect((await fetch(`${web.url}/depthapi/readyz`)).status).toBe(200);
  });

  it('when the only slot is busy and the queue is full, answers 503 OVERLOADED with Retry-After', async () => {
    const held = await startHeldServer(models.dynamic, { maxConcurrency: 1, maxQueue: 0 });
    web = held.web;

    const first = fetch(`${web.url}/depthapi/v1/depth?format=raw`, { method: 'POST', body: imageForm(bus) });
    await held.entered.promise;
    const second = await fetch(`${web.url}/depthapi/v1/depth?format=raw`, {
      method: 'POST',
      body: imageForm(bus),
    });
    held.release.resolve();

    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBeTruthy();
    expect((await readError(second)).code).toBe('OVERLOADED');
    expect((await first).status).toBe(200);
  });

  it('when stopped during a request, lets it finish with 200, reports drained and refuses new connections', async () => {
    const held = await startHeldServer(models.dynamic);
    const server = held.web;
    web = server;

    const inFlight = fetch(`${server.url}/depthapi/v1/depth?format=png`, {
      method: 'POST',
      body: imageForm(bus),
    });
    await held.entered.promise;
    const stopping = stopDepthServer(server, { deadlineMs: 10_000 });
    const readyDuringDrain = server.context.readiness.value.status;
    held.release.resolve();

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(0);
    expect(readyDuringDrain).toBe('shutting-down');
    expect((await stopping).drained).toBe(true);
    await expect(fetch(`${server.url}/depthapi/healthz`)).rejects.toThrow();
    web = undefined;
  });
});
