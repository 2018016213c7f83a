/**
 * One raw HTTP/1.1 request with full control over what goes on the wire (a declared length that
 * differs from the body, chunked uploads, a body trickled byte by byte), and the whole answer read
 * back. Never throws: a connection-level failure is reported as `networkError`.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface RawRequest {
  method: string;
  /** Path and query, e.g. `/yoloapi/v1/detect?confidence=0.5`. */
  path: string;
  headers: Record<string, string>;
  /** Sent with Content-Length unless `chunked` (or a content-length header is given). */
  body?: Buffer;
  /** Send the body with Transfer-Encoding: chunked (no length known up front). */
  chunked?: boolean;
  /** Trickle: `bytes` every `intervalMs`, until the answer comes or `totalBytes` are sent. */
  trickle?: { bytes: number; intervalMs: number; totalBytes: number };
}

export interface RawResponse {
  status: number | null;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Parsed when the answer is JSON; undefined otherwise or when it does not parse. */
  json: unknown;
  ms: number;
  /** `timeout`, or the errno (`ECONNRESET`...) when no complete answer came. */
  networkError: string | null;
}

function parseJson(headers: http.IncomingHttpHeaders, body: Buffer): unknown {
  if (!String(headers['content-type'] ?? '').includes('json')) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Sends `request` to `baseUrl` on a fresh connection (no keep-alive: some cases poison it). */
export function sendRawRequest(
  baseUrl: string,
  request: RawRequest,
  timeoutMs: number,
): Promise<RawResponse> {
  const url = new URL(request.path, baseUrl);
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    let trickleTimer: NodeJS.Timeout | undefined;
    const finish = (result: Omit<RawResponse, 'ms'>) => {
      if (settled) return;
      settled = true;
      clearInterval(trickleTimer);
      clearTimeout(deadline);
      resolve({ ...result, ms: Math.round(performance.now() - started) });
    };
    const headers: Record<string, string> = { ...request.headers, connection: 'close' };
    if (request.body && !request.chunked && headers['content-length'] === undefined) {
      headers['content-length'] = String(request.body.length);
    }
    if (request.trickle && headers['content-length'] === undefined) {
      headers['content-length'] = String(request.trickle.totalBytes);
    }
    const req = http.request({
      host: url.hostname,
      port: url.port,
      method: request.method,
      path: `${url.pathname}${url.search}`,
      headers,
      agent: false,
    });
    const deadline = setTimeout(() => {
      finish({ status: null, headers: {}, body: Buffer.alloc(0), json: undefined, networkError: 'timeout' });
      req.destroy();
    }, timeoutMs);
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        finish({
          status: res.statusCode ?? null,
          headers: res.headers,
          body,
          json: parseJson(res.headers, body),
          networkError: null,
        });
        // The server may still be owed body bytes (an early 408/413): drop the connection.
        req.destroy();
      });
      res.on('close', () => {
        if (!res.complete)
          finish({
            status: res.statusCode ?? null,
            headers: res.headers,
            body: Buffer.concat(chunks),
            json: undefined,
            networkError: 'closed before the end of the answer',
          });
      });
      res.on('error', (err: NodeJS.ErrnoException) =>
        finish({
          status: res.statusCode ?? null,
          headers: res.headers,
          body: Buffer.concat(chunks),
          json: undefined,
          networkError: err.code ?? err.message,
        }),
      );
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      // EPIPE/ECONNRESET while still uploading after the answer began is the server being right
      // (an early 408/413); the response's own events decide then.
      if (answered) return;
      finish({
        status: null,
        headers: {},
        body: Buffer.alloc(0),
        json: undefined,
        networkError: err.code ?? err.message,
      });
    });
    if (request.trickle) {
      const { bytes, intervalMs, totalBytes } = request.trickle;
      let sent = 0;
      trickleTimer = setInterval(() => {
        if (settled || req.destroyed) return;
        const n = Math.min(bytes, totalBytes - sent);
        req.write(Buffer.alloc(n, 0xab));
        sent += n;
        if (sent >= totalBytes) {
          clearInterval(trickleTimer);
          req.end();
        }
      }, intervalMs);
      return;
    }
    if (request.body) req.end(request.body);
    else req.end();
  });
}
