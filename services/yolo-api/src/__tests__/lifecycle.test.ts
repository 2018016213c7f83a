/**
 * Readiness, overload and shutdown of yolo-api: in-process on port 0, and as a real process
 * (`tsx src/main.ts`) for the signal handling and config validation.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startYoloServer, stopYoloServer } from '../server.ts';
import { errorOf, MODEL_PATH, readJson, readSample } from './helpers.ts';

const quiet = { LOG_LEVEL: 'silent' };
const local = { port: 0, host: '127.0.0.1' };

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('readiness', () => {
  it('readyz is 503 not-ready while the model loads and 200 ready after warm-up', async () => {
    const web = await startYoloServer({ env: quiet, overrides: { ...local, modelPath: MODEL_PATH } });
    try {
      const before = await fetch(`${web.url}/yoloapi/readyz`);
      expect(before.status).toBe(503);
      expect(await readJson(before)).toEqual({ status: 'not-ready', reason: 'model loading' });
      expect((await fetch(`${web.url}/yoloapi/healthz`)).status).toBe(200);
      await web.modelLoad;
      const after = await fetch(`${web.url}/yoloapi/readyz`);
      expect(after.status).toBe(200);
      expect(await readJson(after)).toMatchObject({ status: 'ready' });
    } finally {
      await stopYoloServer(web);
    }
  });

  it('with a missing model file, the process stays up: readyz 503 names the file, detect 503 MODEL_NOT_READY', async () => {
    const web = await startYoloServer({
      env: { ...quiet, MODELS_DIR: '/nonexistent/models' },
      overrides: local,
    });
    try {
      await web.modelLoad;
      const ready = await readJson<{ status: string; reason: string }>(
        await fetch(`${web.url}/yoloapi/readyz`),
      );
      expect(ready.status).toBe('not-ready');
      expect(ready.reason).toContain('/nonexistent/models/yolov8n_int8.onnx');
      const res = await fetch(`${web.url}/yoloapi/v1/detect`, {
        method: 'POST',
        body: await readSample('bus.jpg'),
        headers: { 'content-type': 'image/jpeg' },
      });
      expect(res.headers.get('retry-after')).toBeTruthy();
      expect(await errorOf(res)).toEqual([503, 'MODEL_NOT_READY']);
    } finally {
      await stopYoloServer(web);
    }
  });

  it('with a corrupt model file, readyz 503 explains and nothing crashes', async () => {
    const web = await startYoloServer({
      env: quiet,
      overrides: { ...local, modelPath: fileURLToPath(import.meta.url) },
    });
    try {
      await web.modelLoad;
      const ready = await fetch(`${web.url}/yoloapi/readyz`);
      expect(ready.status).toBe(503);
      expect((await readJson<{ reason: string }>(ready)).reason.length).toBeGreaterThan(0);
      expect((await fetch(`${web.url}/yoloapi/v1/model`)).status).toBe(503);
    } finally {
      await stopYoloServer(web);
    }
  });
});

describe('admission and drain', () => {
  it('beyond MAX_CONCURRENCY=1 and MAX_QUEUE=0, concurrent requests get 503 OVERLOADED with Retry-After', async () => {
    const web = await startYoloServer({
      env: quiet,
      overrides: { ...local, modelPath: MODEL_PATH, maxConcurrency: 1, maxQueue: 0 },
    });
    try {
      await web.modelLoad;
      const bus = await readSample('bus.jpg');
      const responses = await Promise.all(
        Array.from({ length: 4 }, () =>
          fetch(`${web.url}/yoloapi/v1/detect`, {
            method: 'POST',
            body: bus,
            headers: { 'content-type': 'image/jpeg' },
          }),
        ),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses[0]).toBe(200);
      expect(statuses.at(-1)).toBe(503);
      for (const res of responses.filter((r) => r.status === 503)) {
        expect(res.headers.get('retry-after')).toBeTruthy();
        expect(await errorOf(res)).toEqual([503, 'OVERLOADED']);
      }
    } finally {
      await stopYoloServer(web);
    }
  });

  it('by default two requests are processed at once (one decodes while the other runs), so two concurrent requests with MAX_QUEUE=0 both succeed', async () => {
    const web = await startYoloServer({
      env: quiet,
      overrides: { ...local, modelPath: MODEL_PATH, maxQueue: 0 },
    });
    try {
      await web.modelLoad;
      expect(web.context.config.maxConcurrency).toBe(2);
      const bus = await readSample('bus.jpg');
      const responses = await Promise.all(
        Array.from({ length: 2 }, () =>
          fetch(`${web.url}/yoloapi/v1/detect`, {
            method: 'POST',
            body: bus,
            headers: { 'content-type': 'image/jpeg' },
          }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual([200, 200]);
    } finally {
      await stopYoloServer(web);
    }
  });

  it('stopYoloServer marks the service shutting-down at once, lets the in-flight detection finish, then closes', async () => {
    const web = await startYoloServer({ env: quiet, overrides: { ...local, modelPath: MODEL_PATH } });
    await web.modelLoad;
    const bus = await readSample('bus.jpg');
    const inFlight = fetch(`${web.url}/yoloapi/v1/detect`, {
      method: 'POST',
      body: bus,
      headers: { 'content-type': 'image/jpeg' },
    });
    await waitFor(() => web.context.admission.state.running === 1);
    const stopping = stopYoloServer(web, { deadlineMs: 20_000 });
    expect(web.context.readiness.value.status).toBe('shutting-down');
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect((await readJson<{ detections: unknown[] }>(res)).detections.length).toBeGreaterThanOrEqual(4);
    expect(await stopping).toMatchObject({ drained: true });
  });
});

/** Starts `tsx src/main.ts`; resolves with the port once the model is ready. */
function startProcess(env: Record<string, string>): {
  child: ChildProcess;
  ready: Promise<number>;
  exit: Promise<number | null>;
  output: string[];
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0', MODEL_PATH, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let port = 0;
  const ready = new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      output.push(line);
      const log = JSON.parse(line) as { msg: string; port?: number };
      if (log.msg === 'listening') port = log.port!;
      if (log.msg === 'model ready') resolve(port);
    });
    child.once('exit', () => reject(new Error(`exited early:\n${output.join('\n')}`)));
  });
  ready.catch(() => {});
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, ready, exit, output };
}

describe('the real process', () => {
  it('on SIGTERM the in-flight request finishes and the process exits 0 before the deadline', async () => {
    const proc = startProcess({ SHUTDOWN_DEADLINE_MS: '15000' });
    try {
      const port = await proc.ready;
      const base = `http://127.0.0.1:${port}/yoloapi`;
      const inFlight = fetch(`${base}/v1/detect`, {
        method: 'POST',
        body: await readSample('bus.jpg'),
        headers: { 'content-type': 'image/jpeg' },
      });
      await new Promise((r) => setTimeout(r, 30));
      const started = Date.now();
      proc.child.kill('SIGTERM');
      const res = await inFlight;
      expect(res.status).toBe(200);
      expect(await proc.exit).toBe(0);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(proc.output.some((l) => l.includes('"drained":true'))).toBe(true);
    } finally {
      proc.child.kill('SIGKILL');
    }
  });

  it('with bad config, exits 1 before listening and names each bad key', async () => {
    const proc = startProcess({ PORT: 'eighty', MAX_PIXELS: '-5' });
    expect(await proc.exit).toBe(1);
    const text = proc.output.join('\n');
    expect(text).toContain('PORT="eighty"');
    expect(text).toContain('MAX_PIXELS="-5"');
    expect(text).not.toContain('listening');
  });
});
