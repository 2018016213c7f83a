/**
 * A small stand-in for the platform on loopback that answers like the API contract:
 * detect, depth (JSON or binary with Server-Timing) and predict_json, with a random
 * delay and a 503 OVERLOADED for every `overloadEvery`-th request. It records what it
 * received so tests can assert on the requests themselves.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  contentType: string;
  requestId: string | undefined;
  body: Buffer;
}

export interface FakePlatform {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startFakePlatform(
  opts: { overloadEvery?: number; maxDelayMs?: number; hang?: boolean } = {},
) {
  const received: ReceivedRequest[] = [];
  let count = 0;
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const path = (req.url ?? '').split('?')[0]!;
    const requestId = req.headers['x-request-id'] as string | undefined;
    received.push({ path, contentType: String(req.headers['content-type'] ?? ''), requestId, body });
    count += 1;
    const n = count;
    if (opts.hang) return; // never answers: the client must time out
    await new Promise((r) => setTimeout(r, Math.random() * (opts.maxDelayMs ?? 8)));
    const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-request-id': requestId ?? 'none',
        ...headers,
      });
      res.end(JSON.stringify(json));
    };
    if (opts.overloadEvery && n % opts.overloadEvery === 0) {
      send(503, { error: { code: 'OVERLOADED', message: 'queue full', requestId } }, { 'retry-after': '1' });
      return;
    }
    const timings = { decodeMs: 1.5, preprocessMs: 2, inferenceMs: 10, postprocessMs: 0.5, totalMs: 14 };
    if (path === '/yoloapi/v1/detect') {
      if (!req.headers['content-type']?.startsWith('image/')) {
        send(415, { error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'not an image', requestId } });
        return;
      }
      const box = { x1: 1, y1: 2, x2: 30, y2: 40 };
      send(200, {
        requestId,
        image: { width: 640, height: 480 },
        detections: [
          { classId: 0, label: 'person', confidence: 0.9, box },
          { classId: 5, label: 'bus', confidence: 0.8, box },
        ],
        timings,
      });
    } else if (path === '/depthapi/v1/depth') {
      const isForm = String(req.headers['content-type']).startsWith('multipart/form-data');
      if (!isForm) {
        // Binary answer: timings only in Server-Timing.
        res.writeHead(200, {
          'content-type': 'image/png',
          'server-timing': 'decode;dur=3, inference;dur=20.5, encode;dur=1',
        });
        res.end(Buffer.alloc(64));
        return;
      }
      const text = body.toString('latin1');
      const match = /name="boxes"\r\n\r\n([^\r]*)\r\n/.exec(text);
      const boxes = match ? (JSON.parse(match[1]!) as unknown[]) : [];
      send(200, {
        requestId,
        objects: boxes.map((_, index) => ({ index })),
        timings: { ...timings, inferenceMs: 20 },
      });
    } else if (path === '/yoloapi/predict_json') {
      const json = JSON.parse(body.toString('utf8')) as { req_id: string; image_id: string };
      send(200, { req_id: json.req_id, image_id: json.image_id, requestId, detections: [], timings });
    } else {
      send(404, { error: { code: 'NOT_FOUND', message: 'no route', requestId } });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  } satisfies FakePlatform;
}
