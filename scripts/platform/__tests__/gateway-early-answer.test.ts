/**
 * An upstream that answers before it has read the request body (a service refusing with 503
 * MODEL_NOT_READY or 413 at the headers) must not leave the client's kept-alive connection stuck:
 * the next request on it has to be answered. Found by the fault tests (scripts/reliability): a
 * GET after such an upload hung until the client's timeout, now and then.
 */
import type { ServiceName } from '@mlip/catalogue';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, startGateway, type Upstream } from '../gateway.ts';
import { type FakeUpstream, startFakeUpstream } from './helpers/fake-upstream.ts';

describe('gateway when the upstream answers before reading the body', () => {
  let upstream: FakeUpstream;
  let gateway: Gateway;

  beforeAll(async () => {
    upstream = await startFakeUpstream('yolo-api', (req, res) => {
      if (req.method === 'POST') {
        // Refuse at once, without reading the upload (Node drains it afterwards, as in the services).
        res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end(JSON.stringify({ error: { code: 'MODEL_NOT_READY' } }));
        return;
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ status: 'ok' }));
    });
    const down: Upstream = { host: '127.0.0.1', port: 1, unavailableReason: 'not started' };
    const upstreams: Record<ServiceName, Upstream> = {
      'yolo-api': { host: '127.0.0.1', port: upstream.port, unavailableReason: null },
      'depth-api': { ...down },
      webapp: { ...down },
    };
    gateway = await startGateway({ port: 0, upstreams });
  });

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it('when a 4 MB upload is refused at once, the next request on the same connection is answered', async () => {
    const dispatcher = new Agent({ connections: 1 });
    const body = Buffer.alloc(4 * 1024 * 1024, 7);
    try {
      for (let round = 0; round < 5; round++) {
        const refused = await request(`${gateway.url}/yoloapi/v1/detect`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'image/jpeg' },
          dispatcher,
          signal: AbortSignal.timeout(10_000),
        });
        expect(refused.statusCode).toBe(503);
        expect(((await refused.body.json()) as { error: { code: string } }).error.code).toBe(
          'MODEL_NOT_READY',
        );

        const next = await request(`${gateway.url}/yoloapi/healthz`, {
          dispatcher,
          signal: AbortSignal.timeout(5_000),
        });
        expect(next.statusCode).toBe(200);
        await next.body.text();
      }
    } finally {
      await dispatcher.close();
    }
  });
});
