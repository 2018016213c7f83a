import { readFile } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { samplesDir } from '@mlip/catalogue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommonConfig } from '../config.ts';
import { startWebServer, stopWebServer, type WebServer } from '../web-server.ts';
import { deferred, type ErrorJson, errorCode, readJson, type TestModel, testService } from './helpers.ts';

const quiet = { LOG_LEVEL: 'silent' };

describe('startWebServer with the real ONNX model', () => {
  let web: WebServer<CommonConfig, TestModel>;
  let bus: Buffer;
  const gate = deferred();

  beforeAll(async () => {
    bus = await readFile(join(samplesDir(), 'bus.jpg'));
    web = await startWebServer(testService({ beforeLoad: () => gate.promise }), {
      env: quiet,
      overrides: { port: 0, host: '127.0.0.1' },
    });
  });
  afterAll(async () => {
    gate.resolve();
    await stopWebServer(web);
  });

  it('while the model loads, readyz answers 503 not-ready with a reason and inference 503 MODEL_NOT_READY', async () => {
    const ready = await fetch(`${web.url}/yoloapi/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'not-ready', reason: 'model loading' });
    const infer = await fetch(`${web.url}/yoloapi/v1/infer`, {
      method: 'POST',
      body: bus,
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(infer.status).toBe(503);
    expect(infer.headers.get('retry-after')).toBeTruthy();
    expect(await errorCode(infer)).toBe('MODEL_NOT_READY');
    expect((await fetch(`${web.url}/yoloapi/healthz`)).status).toBe(200);
  });

  it('once loaded, readyz is 200 and a raw JPEG runs through decode and the model', async () => {
    gate.resolve();
    await web.modelLoad;
    expect((await fetch(`${web.url}/yoloapi/readyz`)).status).toBe(200);
    const res = await fetch(`${web.url}/yoloapi/v1/infer?scale=0.5`, {
      method: 'POST',
      body: bus,
      headers: { 'content-type': 'image/jpeg', 'x-request-id': 'abc-123' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    const body = await readJson<{ options: { scale: number } }>(res);
    expect(body).toMatchObject({
      requestId: 'abc-123',
      source: 'raw',
      width: 810,
      height: 1080,
      outputDims: [1, 84, 8400],
    });
    expect(body.options.scale).toBe(0.5);
  });

  it('when an option is out of range, answers 400 INVALID_OPTION naming it', async () => {
    const res = await fetch(`${web.url}/yoloapi/v1/infer?scale=7`, {
      method: 'POST',
      body: bus,
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(res.status).toBe(400);
    const body = await readJson<ErrorJson>(res);
    expect(body.error.code).toBe('INVALID_OPTION');
    expect(body.error.message).toContain('scale');
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('an unknown route is a JSON 404 and a wrong method a 405 with Allow', async () => {
    const missing = await fetch(`${web.url}/yoloapi/nope`);
    expect(missing.status).toBe(404);
    expect(await errorCode(missing)).toBe('NOT_FOUND');
    const wrong = await fetch(`${web.url}/yoloapi/v1/infer`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(await errorCode(wrong)).toBe('METHOD_NOT_ALLOWED');
  });

  it('v1/model, metrics and openapi.json describe the service', async () => {
    const model = await readJson<{ inputs: unknown[]; loadedAt: string }>(
      await fetch(`${web.url}/yoloapi/v1/model`),
    );
    expect(model.inputs[0]).toMatchObject({ name: 'images', shape: [1, 3, 640, 640] });
    expect(model.loadedAt).toBeTruthy();
    const metrics = await (await fetch(`${web.url}/yoloapi/metrics`)).text();
    expect(metrics).toContain('http_requests_total{route="/yoloapi/v1/infer",method="POST",status="200"');
    expect(metrics).toContain('inference_in_flight');
    expect(metrics).toContain('process_resident_memory_bytes');
    const doc = await readJson<{ openapi: string; paths: object }>(
      await fetch(`${web.url}/yoloapi/openapi.json`),
    );
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/yoloapi/healthz',
        '/yoloapi/readyz',
        '/yoloapi/v1/model',
        '/yoloapi/v1/infer',
      ]),
    );
  });
});

describe('startWebServer with a missing model', () => {
  it('stays up, readyz 503 names the missing file, inference 503 MODEL_NOT_READY, never 500', async () => {
    const web = await startWebServer(testService(), {
      env: quiet,
      overrides: { port: 0, host: '127.0.0.1', modelPath: '/nonexistent/model.onnx' },
    });
    try {
      await web.modelLoad;
      const ready = await fetch(`${web.url}/yoloapi/readyz`);
      expect(ready.status).toBe(503);
      const body = await readJson<{ status: string; reason: string }>(ready);
      expect(body.status).toBe('not-ready');
      expect(body.reason).toContain('/nonexistent/model.onnx');
      const infer = await fetch(`${web.url}/yoloapi/v1/infer`, {
        method: 'POST',
        body: 'x',
        headers: { 'content-type': 'image/jpeg' },
      });
      expect(infer.status).toBe(503);
      expect(await errorCode(infer)).toBe('MODEL_NOT_READY');
      expect((await fetch(`${web.url}/yoloapi/v1/model`)).status).toBe(503);
    } finally {
      await stopWebServer(web);
    }
  });
});

describe('startWebServer with bad configuration', () => {
  it('throws before listening, naming each bad env var', async () => {
    await expect(
      startWebServer(testService(), {
        env: { PORT: 'abc', MAX_CONCURRENCY: '0', ORT_EXECUTION_PROVIDER: 'tpu' },
      }),
    ).rejects.toThrow(/PORT="abc"[\s\S]*MAX_CONCURRENCY="0"[\s\S]*ORT_EXECUTION_PROVIDER="tpu".*cpu/);
  });
});

describe('admission and shutdown on the live server', () => {
  let bus: Buffer;
  beforeAll(async () => {
    bus = await readFile(join(samplesDir(), 'bus.jpg'));
  });

  /**
   * A server with one slot and one queue place, both taken by held requests; `check` runs while
   * they are held, then they are released and must both be answered 200.
   */
  async function withFullQueue(
    overrides: Partial<CommonConfig>,
    check: (web: WebServer<CommonConfig, TestModel>, post: () => Promise<Response>) => Promise<void>,
  ): Promise<void> {
    const hold = deferred();
    const web = await startWebServer(testService({ duringInference: () => hold.promise }), {
      env: quiet,
      overrides: { port: 0, host: '127.0.0.1', maxConcurrency: 1, maxQueue: 1, ...overrides },
    });
    try {
      await web.modelLoad;
      const post = () =>
        fetch(`${web.url}/yoloapi/v1/infer`, {
          method: 'POST',
          body: bus,
          headers: { 'content-type': 'image/jpeg' },
        });
      const first = post();
      const second = post();
      await waitFor(() => web.context.admission.state.queued === 1);
      await check(web, post);
      hold.resolve();
      expect((await first).status).toBe(200);
      expect((await second).status).toBe(200);
    } finally {
      hold.resolve();
      await stopWebServer(web);
    }
  }

  it('beyond MAX_CONCURRENCY + MAX_QUEUE answers 503 OVERLOADED with Retry-After, then serves the accepted ones', async () => {
    await withFullQueue({}, async (_web, post) => {
      const third = await post();
      expect(third.status).toBe(503);
      expect(third.headers.get('retry-after')).toBeTruthy();
      expect(await errorCode(third)).toBe('OVERLOADED');
    });
  });

  it('when the queue is already full, refuses at the headers: 503 OVERLOADED before the body has arrived', async () => {
    await withFullQueue({ requestTimeoutMs: 60_000 }, async (web) => {
      // Headers and 10 of the 1 MB declared: the body never comes, so only a refusal at the
      // headers can answer (reading the body first would wait for the 60 s request timeout).
      const socket = new net.Socket();
      try {
        const started = performance.now();
        const answer = new Promise<string>((resolve, reject) => {
          let text = '';
          socket.on('data', (chunk) => {
            text += chunk.toString('latin1');
            if (text.includes('\r\n\r\n') && text.includes('}}')) resolve(text);
          });
          socket.on('error', reject);
        });
        socket.connect(web.port, '127.0.0.1', () => {
          socket.write(
            'POST /yoloapi/v1/infer HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: 1000000\r\n\r\n0123456789',
          );
        });
        const text = await answer;
        expect(performance.now() - started).toBeLessThan(5_000);
        expect(text).toMatch(/^HTTP\/1\.1 503 /);
        expect(text).toMatch(/retry-after: \d+/i);
        expect(text).toContain('"code":"OVERLOADED"');
        const metrics = await (await fetch(`${web.url}/yoloapi/metrics`)).text();
        expect(metrics).toMatch(/_rejected_total\{[^}]*reason="queue-full"[^}]*\} 1$/m);
      } finally {
        socket.destroy();
      }
    });
  });

  it('stopWebServer turns readyz 503 at once and lets the in-flight request finish', async () => {
    const hold = deferred();
    const web = await startWebServer(testService({ duringInference: () => hold.promise }), {
      env: quiet,
      overrides: { port: 0, host: '127.0.0.1' },
    });
    await web.modelLoad;
    const inFlight = fetch(`${web.url}/yoloapi/v1/infer`, {
      method: 'POST',
      body: bus,
      headers: { 'content-type': 'image/jpeg' },
    });
    await waitFor(() => web.context.admission.state.running === 1);
    const stopping = stopWebServer(web, { deadlineMs: 10_000 });
    expect(web.context.readiness.value.status).toBe('shutting-down');
    setTimeout(() => hold.resolve(), 200);
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect((await readJson(res)).outputDims).toEqual([1, 84, 8400]);
    const result = await stopping;
    expect(result.drained).toBe(true);
    await expect(fetch(`${web.url}/yoloapi/healthz`)).rejects.toThrow();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
