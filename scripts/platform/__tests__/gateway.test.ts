import { once } from 'node:events';
import http, { type IncomingHttpHeaders } from 'node:http';
import type { ServiceName } from '@mlip/catalogue';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, startGateway, type Upstream } from '../gateway.ts';
import { deferred, type FakeUpstream, type Handler, startFakeUpstream } from './helpers/fake-upstream.ts';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(
  port: number,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: init.headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

function upstreamsFor(fakes: Record<ServiceName, FakeUpstream>): Record<ServiceName, Upstream> {
  const entry = (f: FakeUpstream): Upstream => ({ host: '127.0.0.1', port: f.port, unavailableReason: null });
  return {
    'yolo-api': entry(fakes['yolo-api']),
    'depth-api': entry(fakes['depth-api']),
    webapp: entry(fakes.webapp),
  };
}

describe('gateway routing against fake upstreams', () => {
  let fakes: Record<ServiceName, FakeUpstream>;
  let gateway: Gateway;

  beforeAll(async () => {
    fakes = {
      'yolo-api': await startFakeUpstream('yolo-api'),
      'depth-api': await startFakeUpstream('depth-api'),
      webapp: await startFakeUpstream('webapp'),
    };
    gateway = await startGateway({ port: 0, upstreams: upstreamsFor(fakes) });
  });

  afterAll(async () => {
    await gateway.close();
    await Promise.all(Object.values(fakes).map((f) => f.close()));
  });

  it.each([
    ['/yoloapi/v1/detect?confidence=0.5&classes=bus', 'yolo-api'],
    ['/yoloapi', 'yolo-api'],
    ['/yoloapi/readyz', 'yolo-api'],
    ['/depthapi/v1/depth?format=png', 'depth-api'],
    ['/depthapi/', 'depth-api'],
    ['/', 'webapp'],
    ['/assets/index-abc.js', 'webapp'],
    ['/yoloapix/v1/detect', 'webapp'],
    ['/YOLOAPI/v1/detect', 'webapp'],
    ['/depth', 'webapp'],
  ])('when a client requests %s, %s receives the full path and query unchanged', async (path, service) => {
    const reply = await send(gateway.port, path);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ upstream: service, url: path });
    expect(fakes[service as ServiceName].seen.at(-1)?.url).toBe(path);
  });

  it('when the client sends no request id, adds X-Forwarded-* and a new UUID request id, echoed on the response', async () => {
    const reply = await send(gateway.port, '/yoloapi/healthz', { headers: { host: 'example.test:8080' } });
    const seen = fakes['yolo-api'].seen.at(-1)!;
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-forwarded-host']).toBe('example.test:8080');
    expect(seen.headers['x-forwarded-port']).toBe(String(gateway.port));
    expect(seen.headers.host).toBe('example.test:8080');
    expect(seen.headers['x-request-id']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(reply.headers['x-request-id']).toBe(seen.headers['x-request-id']);
  });

  it('when the client sends a sane request id and X-Forwarded-For, keeps the id and appends to the chain', async () => {
    const reply = await send(gateway.port, '/depthapi/healthz', {
      headers: { 'x-request-id': 'client-id.42', 'x-forwarded-for': '203.0.113.7' },
    });
    const seen = fakes['depth-api'].seen.at(-1)!;
    expect(seen.headers['x-request-id']).toBe('client-id.42');
    expect(seen.headers['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1');
    expect(reply.headers['x-request-id']).toBe('client-id.42');
  });

  it('when the client sends an unsafe request id, replaces it with a UUID', async () => {
    await send(gateway.port, '/', { headers: { 'x-request-id': 'bad id with spaces<script>' } });
    expect(fakes.webapp.seen.at(-1)?.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when the client sends hop-by-hop headers, they are not forwarded', async () => {
    await send(gateway.port, '/yoloapi/v1/model', {
      headers: { connection: 'x-secret, keep-alive', 'x-secret': '1' },
    });
    const seen = fakes['yolo-api'].seen.at(-1)!;
    expect(seen.headers['x-secret']).toBeUndefined();
  });
});

describe('gateway streaming', () => {
  let upstream: FakeUpstream;
  let gateway: Gateway;
  let onRequest: Handler = () => {};

  beforeAll(async () => {
    upstream = await startFakeUpstream('yolo-api', (req, res) => onRequest(req, res));
    const dead = { host: '127.0.0.1', port: 1, unavailableReason: 'not used here' };
    gateway = await startGateway({
      port: 0,
      upstreams: {
        'yolo-api': { host: '127.0.0.1', port: upstream.port, unavailableReason: null },
        'depth-api': { ...dead },
        webapp: { ...dead },
      },
    });
  });

  afterAll(async () => {
    await gateway.close();
    await upstream.close();
  });

  it('when the client uploads in two parts, the upstream gets the first part before the client sends the second', async () => {
    const firstPartArrived = deferred();
    onRequest = (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => {
        chunks.push(c);
        if (Buffer.concat(chunks).includes('part-one')) firstPartArrived.resolve();
      });
      req.on('end', () => res.end(Buffer.concat(chunks)));
    };
    const req = http.request({
      host: '127.0.0.1',
      port: gateway.port,
      path: '/yoloapi/v1/detect',
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      agent: false,
    });
    const response = once(req, 'response');
    req.write('part-one|');
    // A buffering proxy would wait for the whole body and never get here.
    await firstPartArrived.promise;
    req.end('part-two');
    const [res] = (await response) as [http.IncomingMessage];
    const body = (await res.toArray()).join('');
    expect(res.statusCode).toBe(200);
    expect(body).toBe('part-one|part-two');
  });

  it('when the upstream answers in two parts, the client gets the first part before the upstream sends the second', async () => {
    const clientGotFirst = deferred();
    onRequest = (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('head|');
      clientGotFirst.promise.then(() => res.end('tail'));
    };
    const req = http.request({
      host: '127.0.0.1',
      port: gateway.port,
      path: '/yoloapi/stream',
      agent: false,
    });
    req.end();
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    let text = '';
    for await (const chunk of res) {
      text += String(chunk);
      if (text === 'head|') clientGotFirst.resolve();
    }
    expect(text).toBe('head|tail');
  });

  it('when the client sends Expect: 100-continue (curl -F with a large file), gets 100, sends the body, and the upstream sees no Expect', async () => {
    let upstreamExpect: string | undefined = 'unset';
    onRequest = (req, res) => {
      upstreamExpect = req.headers.expect;
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      req.pipe(res);
    };
    const req = http.request({
      host: '127.0.0.1',
      port: gateway.port,
      path: '/yoloapi/v1/detect',
      method: 'POST',
      headers: { expect: '100-continue', 'content-length': '5' },
      agent: false,
    });
    req.on('continue', () => req.end('hello'));
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    expect(res.statusCode).toBe(200);
    expect(Buffer.concat(await res.toArray()).toString()).toBe('hello');
    expect(upstreamExpect).toBeUndefined();
  });

  it('when the client disconnects mid-upload, the upstream request is aborted too (nothing left hanging)', async () => {
    const upstreamClosed = deferred<boolean>();
    const upstreamGotData = deferred();
    onRequest = (req) => {
      req.on('data', () => upstreamGotData.resolve());
      req.on('close', () => upstreamClosed.resolve(req.complete));
    };
    const req = http.request({
      host: '127.0.0.1',
      port: gateway.port,
      path: '/yoloapi/v1/detect',
      method: 'POST',
      headers: { 'content-length': '1000000' },
      agent: false,
    });
    req.on('error', () => {});
    req.write(Buffer.alloc(1000));
    await upstreamGotData.promise;

    req.destroy();

    expect(await upstreamClosed.promise).toBe(false);
  });

  it('when the client disconnects mid-download, the upstream response is closed too', async () => {
    const upstreamResClosed = deferred<boolean>();
    onRequest = (req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write('first');
      res.on('close', () => upstreamResClosed.resolve(res.writableFinished));
    };
    const req = http.request({ host: '127.0.0.1', port: gateway.port, path: '/yoloapi/slow', agent: false });
    req.on('error', () => {});
    req.end();
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    await once(res, 'data');

    req.destroy();

    expect(await upstreamResClosed.promise).toBe(false);
  });

  it('when a 4 MB body goes through, both directions carry it byte for byte', async () => {
    onRequest = (req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      req.pipe(res);
    };
    const payload = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < payload.length; i += 1) payload[i] = (i * 31) & 0xff;
    const req = http.request({
      host: '127.0.0.1',
      port: gateway.port,
      path: '/yoloapi/echo',
      method: 'POST',
      agent: false,
    });
    req.end(payload);
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    const body = Buffer.concat(await res.toArray());
    expect(body.equals(payload)).toBe(true);
  });
});

describe('gateway failures', () => {
  let gateway: Gateway | undefined;
  const upstreams: Record<ServiceName, Upstream> = {
    'yolo-api': { host: '127.0.0.1', port: 1, unavailableReason: null },
    'depth-api': { host: '127.0.0.1', port: 1, unavailableReason: null },
    webapp: { host: '127.0.0.1', port: 1, unavailableReason: null },
  };

  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
  });

  it('when the upstream is down, answers 502 UPSTREAM_UNAVAILABLE naming the service, then recovers when it is back', async () => {
    const first = await startFakeUpstream('yolo-api');
    const port = first.port;
    await first.close();
    gateway = await startGateway({
      port: 0,
      upstreams: { ...upstreams, 'yolo-api': { ...upstreams['yolo-api'], port } },
    });

    const down = await send(gateway.port, '/yoloapi/v1/detect', {
      method: 'POST',
      body: 'x',
      headers: { 'x-request-id': 'r1' },
    });
    expect(down.status).toBe(502);
    expect(down.headers['content-type']).toMatch(/application\/json/);
    const error = JSON.parse(down.body).error;
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(error.message).toMatch(/^yolo-api is not reachable/);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.requestId).toBe('r1');
    expect(down.headers['x-request-id']).toBe('r1');

    const back = await startFakeUpstream('yolo-api', undefined, port);
    try {
      const up = await send(gateway.port, '/yoloapi/readyz');
      expect(up.status).toBe(200);
      expect(JSON.parse(up.body).upstream).toBe('yolo-api');
    } finally {
      await back.close();
    }
  });

  it('when the runner marks a service as not running, answers 503 SERVICE_UNAVAILABLE with Retry-After and the reason', async () => {
    gateway = await startGateway({
      port: 0,
      upstreams: {
        ...upstreams,
        webapp: { ...upstreams.webapp, unavailableReason: 'webapp/server/main.ts not present yet' },
      },
    });
    const reply = await send(gateway.port, '/');
    expect(reply.status).toBe(503);
    expect(reply.headers['retry-after']).toBe('5');
    const error = JSON.parse(reply.body).error;
    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.message).toBe('webapp is not running: webapp/server/main.ts not present yet');
  });

  it('when the runner marks a stopped service as running again, the gateway forwards to it at its new port', async () => {
    const upstream = await startFakeUpstream('depth-api');
    try {
      gateway = await startGateway({
        port: 0,
        upstreams: { ...upstreams, 'depth-api': { ...upstreams['depth-api'], unavailableReason: 'stopped' } },
      });
      expect((await send(gateway.port, '/depthapi/readyz')).status).toBe(503);
      gateway.setUpstream('depth-api', { port: upstream.port, unavailableReason: null });
      expect((await send(gateway.port, '/depthapi/readyz')).status).toBe(200);
    } finally {
      await upstream.close();
    }
  });

  it('when the upstream accepts but never answers, answers 504 UPSTREAM_TIMEOUT after the timeout', async () => {
    const silent = await startFakeUpstream('yolo-api', (req) => req.resume());
    try {
      gateway = await startGateway({
        port: 0,
        upstreamTimeoutMs: 300,
        upstreams: { ...upstreams, 'yolo-api': { ...upstreams['yolo-api'], port: silent.port } },
      });
      const started = Date.now();
      const reply = await send(gateway.port, '/yoloapi/v1/detect');
      expect(reply.status).toBe(504);
      expect(JSON.parse(reply.body).error.code).toBe('UPSTREAM_TIMEOUT');
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    } finally {
      await silent.close();
    }
  });

  it('when a status provider is given, GET /__platform/status answers its JSON', async () => {
    gateway = await startGateway({
      port: 0,
      upstreams,
      statusProvider: () => ({ services: { webapp: 'absent' } }),
    });
    const reply = await send(gateway.port, '/__platform/status');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ services: { webapp: 'absent' } });
  });
});
