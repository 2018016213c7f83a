/**
 * What a client sees while the service stops: during the drain the listener stays open and every
 * new request is answered (readyz 503, inference 503 SHUTTING_DOWN, `Connection: close`), the
 * admitted request finishes, and only then are connections refused.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { samplesDir } from '@mlip/catalogue';
import { describe, expect, it } from 'vitest';
import { startWebServer, stopWebServer } from '../web-server.ts';
import { deferred, testService } from './helpers.ts';

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request on a fresh connection (no agent), read to its end. */
function requestOnce(url: string, options: { method?: string; body?: Buffer } = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: options.method ?? 'GET',
        agent: false,
        headers: options.body ? { 'content-type': 'image/jpeg', 'content-length': options.body.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('stopWebServer as clients see it', () => {
  it('while an admitted request drains, new connections get 503 answers with Connection: close, then are refused', async () => {
    const hold = deferred();
    const web = await startWebServer(testService({ duringInference: () => hold.promise }), {
      env: { LOG_LEVEL: 'silent' },
      overrides: { port: 0, host: '127.0.0.1' },
    });
    await web.modelLoad;
    const bus = await readFile(join(samplesDir(), 'bus.jpg'));
    const base = `${web.url}/yoloapi`;
    const admitted = requestOnce(`${base}/v1/infer`, { method: 'POST', body: bus });
    await waitFor(() => web.context.admission.state.running === 1);

    const stopping = stopWebServer(web, { deadlineMs: 10_000 });
    const ready = await requestOnce(`${base}/readyz`);
    // A 487 KB upload answered 503 before the handler read it: the body is drained first, so
    // closing the connection does not reset it under the client.
    const refused = await requestOnce(`${base}/v1/infer`, { method: 'POST', body: bus });
    hold.resolve();
    const finished = await admitted;
    const result = await stopping;

    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.body)).toEqual({ status: 'shutting-down' });
    expect(ready.headers.connection).toBe('close');
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBeTruthy();
    expect(refused.headers.connection).toBe('close');
    expect(JSON.parse(refused.body).error.code).toBe('SHUTTING_DOWN');
    expect(finished.status).toBe(200);
    expect(finished.headers.connection).toBe('close');
    expect(result.drained).toBe(true);
    await expect(requestOnce(`${base}/healthz`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('when nothing is in flight and nobody calls, the listener closes at once', async () => {
    const web = await startWebServer(testService(), {
      env: { LOG_LEVEL: 'silent' },
      overrides: { port: 0, host: '127.0.0.1' },
    });
    await web.modelLoad;
    expect((await requestOnce(`${web.url}/yoloapi/readyz`)).status).toBe(200);

    const result = await stopWebServer(web, { deadlineMs: 10_000 });

    expect(result).toMatchObject({ drained: true });
    expect(result.durationMs).toBeLessThan(1_000);
    await expect(requestOnce(`${web.url}/yoloapi/healthz`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
