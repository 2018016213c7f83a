/**
 * A small stand-in for the platform behind the ALB, on loopback: catalogue readiness paths,
 * /yoloapi/v1/detect, /depthapi/v1/depth and the web UI with SPA fallback. Each behaviour can
 * be broken on purpose to check that smoke.ts notices. Records the requests it got.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listServices } from '@mlip/catalogue';

export interface FakePlatformFaults {
  notReady?: string; // service name whose readiness answers 503
  detectWithoutDetections?: boolean;
  deepLink404?: boolean;
}

export interface RecordedRequest {
  method: string;
  url: string;
  contentType: string | undefined;
  bytes: number;
  head: Buffer;
}

export interface FakePlatform {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const INDEX =
  '<!doctype html><html><head><title>ML image platform</title></head><body><div id="root"></div></body></html>';

export async function startFakePlatform(faults: FakePlatformFaults = {}): Promise<FakePlatform> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? '/').split('?')[0]!;
      requests.push({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        contentType: req.headers['content-type'],
        bytes: body.length,
        head: body.subarray(0, 8),
      });
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const health = listServices().find((s) => s.healthPath === path);
      if (health) {
        return faults.notReady === health.name
          ? json(503, { status: 'not-ready', reason: 'model loading' })
          : json(200, { status: 'ready' });
      }
      if (path === '/yoloapi/v1/detect' && req.method === 'POST') {
        if (!req.headers['content-type']?.startsWith('image/') || body.length === 0) {
          return json(400, { error: { code: 'MISSING_IMAGE', message: 'no image' } });
        }
        return json(
          200,
          faults.detectWithoutDetections
            ? { requestId: 'r1' }
            : {
                requestId: 'r1',
                detections: [
                  { classId: 5, label: 'bus', confidence: 0.9, box: { x1: 0, y1: 0, x2: 1, y2: 1 } },
                ],
              },
        );
      }
      if (path === '/depthapi/v1/depth' && req.method === 'POST') {
        return json(200, {
          requestId: 'r2',
          depthMap: { mimeType: 'image/png', width: 96, height: 64, base64: 'iVBORw0KGgo=' },
        });
      }
      if (path.startsWith('/yoloapi') || path.startsWith('/depthapi'))
        return json(404, { error: { code: 'NOT_FOUND' } });
      if (faults.deepLink404 && path !== '/') {
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end('not found');
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
      res.end(INDEX);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
