/**
 * Local gateway: one port that routes like the AWS load balancer (path rules from the catalogue,
 * full path and query forwarded, X-Forwarded-* added) so the web UI and curl use the same URLs
 * locally and in AWS.
 *
 * Hot path on purpose: no logging, no body buffering (bodies stream both ways), one keep-alive
 * agent to the upstreams, routing through a precompiled table. Errors are JSON in the API
 * contract's shape: 502 UPSTREAM_UNAVAILABLE (connection refused/reset), 503 SERVICE_UNAVAILABLE
 * (the runner knows the service is not running), 504 UPSTREAM_TIMEOUT.
 */
import { randomUUID } from 'node:crypto';
import http, {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServiceName } from '@mlip/catalogue';
import { compileRouteTable } from './route-table.ts';

export interface Upstream {
  host: string;
  port: number;
  /** `null` while the service runs; otherwise why it does not (the gateway answers 503 at once). */
  unavailableReason: string | null;
}

export interface GatewayOptions {
  /** Listen port; 0 picks a free one. */
  port: number;
  /** Listen address. @default '127.0.0.1' */
  host?: string;
  upstreams: Record<ServiceName, Upstream>;
  /** Idle time on the upstream connection before answering 504. @default 120_000 */
  upstreamTimeoutMs?: number;
  /** `Retry-After` seconds on 503 answers. @default 5 */
  retryAfterSeconds?: number;
  /** When set, `GET /__platform/status` answers its JSON (local-only; not an ALB route). */
  statusProvider?: () => unknown;
}

export interface Gateway {
  readonly port: number;
  readonly url: string;
  /** Change where a service is, or mark it (un)available, while the gateway runs. */
  setUpstream(name: ServiceName, change: Partial<Upstream>): void;
  close(): Promise<void>;
}

/** RFC 9110 §7.6.1 connection-specific headers. `transfer-encoding` is kept on requests: Node needs it
 * to frame a chunked body it pipes upstream (a GET with a chunked body would otherwise go out unframed).
 * `expect: 100-continue` was already answered to the client by Node's server, so it stops here too. */
const HOP_BY_HOP_REQUEST = new Set([
  'expect',
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
]);
const HOP_BY_HOP_RESPONSE = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'trailer',
  'upgrade',
  'transfer-encoding',
]);

const SANE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const STATUS_PATH = '/__platform/status';

export function startGateway(options: GatewayOptions): Promise<Gateway> {
  const route = compileRouteTable();
  const upstreams = options.upstreams;
  const timeoutMs = options.upstreamTimeoutMs ?? 120_000;
  const retryAfter = String(options.retryAfterSeconds ?? 5);
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: Number.POSITIVE_INFINITY,
    maxFreeSockets: 256,
  });
  let forwardedPort = '';

  function sendError(
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    requestId: string,
    extra?: OutgoingHttpHeaders,
  ): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify({ error: { code, message, requestId } });
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
      'x-request-id': requestId,
      ...extra,
    });
    res.end(body);
  }

  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    name: ServiceName,
    requestId: string,
    bodiless: boolean,
    mayRetry: boolean,
  ): void {
    const upstream = upstreams[name];
    if (upstream.unavailableReason !== null) {
      sendError(
        res,
        503,
        'SERVICE_UNAVAILABLE',
        `${name} is not running: ${upstream.unavailableReason}`,
        requestId,
        {
          'retry-after': retryAfter,
        },
      );
      return;
    }
    const proxyReq = http.request({
      host: upstream.host,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: upstreamHeaders(req, requestId, forwardedPort),
      agent,
    });
    let timedOut = false;
    let answeredEarly = false;
    proxyReq.setTimeout(timeoutMs, () => {
      timedOut = true;
      proxyReq.destroy();
    });
    proxyReq.on('error', (err: NodeJS.ErrnoException) => {
      if (answeredEarly) return;
      // A kept-alive socket the upstream closed at the same moment: safe to replay a bodiless request
      // once (https://nodejs.org/api/http.html#requestreusedsocket).
      if (mayRetry && proxyReq.reusedSocket && err.code === 'ECONNRESET' && !res.headersSent) {
        forward(req, res, name, requestId, bodiless, false);
        return;
      }
      if (timedOut) {
        sendError(res, 504, 'UPSTREAM_TIMEOUT', `${name} did not answer within ${timeoutMs} ms`, requestId);
      } else {
        const where = `${upstream.host}:${upstream.port}`;
        sendError(
          res,
          502,
          'UPSTREAM_UNAVAILABLE',
          `${name} is not reachable at ${where} (${err.code ?? err.message}); it may be starting, stopped or crashed — see the platform's log`,
          requestId,
        );
      }
    });
    proxyReq.on('response', (proxyRes) => {
      const headers = responseHeaders(proxyRes.headers, requestId);
      res.writeHead(proxyRes.statusCode ?? 502, proxyRes.statusMessage, headers);
      proxyRes.pipe(res);
      proxyRes.on('error', () => res.destroy());
      // The upstream answered before it had the whole body (a 503 or 413 at the headers): it will not
      // want the rest, and its connection, mid-request, cannot be reused. Drop the rest of the client's
      // body here; forwarding it could stall for good (the upstream request waits for a 'drain' that
      // never comes once its response is over), and the client's next request on this connection
      // would wait behind it.
      proxyRes.on('end', () => {
        // `writableEnded`, not `writableFinished`: the response can be read before the callback of
        // the body's last write has run, and that is no early answer.
        if (proxyReq.writableEnded) return;
        answeredEarly = true;
        stopBody?.();
        proxyReq.destroy();
        if (!req.complete) req.resume();
      });
    });
    res.on('close', () => {
      if (!res.writableFinished) proxyReq.destroy();
    });
    let stopBody: (() => void) | undefined;
    if (bodiless) {
      proxyReq.end();
    } else {
      stopBody = forwardBody(req, proxyReq);
    }
  }

  const server = http.createServer((req, res) => {
    const incomingId = req.headers['x-request-id'];
    const requestId =
      typeof incomingId === 'string' && SANE_REQUEST_ID.test(incomingId) ? incomingId : randomUUID();
    const url = req.url ?? '/';
    if (options.statusProvider && (url === STATUS_PATH || url.startsWith(`${STATUS_PATH}?`))) {
      const body = JSON.stringify(options.statusProvider());
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(body);
      return;
    }
    req.on('error', () => res.destroy());
    const bodiless = (req.method === 'GET' || req.method === 'HEAD') && !hasBody(req.headers);
    forward(req, res, route(url), requestId, bodiless, bodiless);
  });
  // Longer than the ALB's 60 s idle timeout, as its targets are told to be.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      forwardedPort = String(port);
      resolve({
        port,
        url: `http://localhost:${port}`,
        setUpstream(name, change) {
          Object.assign(upstreams[name], change);
        },
        close() {
          return new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
            agent.destroy();
          });
        },
      });
    });
  });
}

/**
 * Streams the request body upstream like `req.pipe(proxyReq)`, but writes the chunks that arrived in
 * one event-loop turn with one syscall: libuv hands a 150 KB upload over as three 64 KB reads, and
 * `pipe` turns each into its own write (and a wake-up of the upstream process). On a loaded 2-core
 * VM each loopback write costs about 0.3 ms of CPU, so coalescing took the gateway from ~2.9 to one
 * write per image request. Nothing waits for more data than is already read (no buffering of the
 * body), and backpressure is kept: a full upstream socket pauses the client until `drain`.
 */
function forwardBody(req: IncomingMessage, proxyReq: http.ClientRequest): () => void {
  let pending: Buffer[] = [];
  let scheduled = false;
  let paused = false;
  const onDrain = (): void => {
    paused = false;
    req.resume();
  };
  const flush = (): void => {
    scheduled = false;
    if (pending.length === 0) return;
    const chunks = pending;
    pending = [];
    proxyReq.cork();
    let ok = true;
    for (const chunk of chunks) ok = proxyReq.write(chunk) && ok;
    proxyReq.uncork();
    if (!ok && !paused) {
      paused = true;
      req.pause();
      proxyReq.once('drain', onDrain);
    }
  };
  const onData = (chunk: Buffer): void => {
    pending.push(chunk);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };
  const onEnd = (): void => {
    proxyReq.cork();
    flush();
    proxyReq.end();
    proxyReq.uncork();
  };
  req.on('data', onData);
  req.on('end', onEnd);
  // Stops forwarding (the upstream has answered): nothing more is written upstream.
  return () => {
    req.off('data', onData);
    req.off('end', onEnd);
    proxyReq.off('drain', onDrain);
    pending = [];
  };
}

function hasBody(headers: IncomingHttpHeaders): boolean {
  return headers['content-length'] !== undefined
    ? headers['content-length'] !== '0'
    : headers['transfer-encoding'] !== undefined;
}

function upstreamHeaders(req: IncomingMessage, requestId: string, port: string): OutgoingHttpHeaders {
  const incoming = req.headers;
  const out: OutgoingHttpHeaders = {};
  const extraHopByHop = connectionTokens(incoming.connection);
  for (const key in incoming) {
    if (HOP_BY_HOP_REQUEST.has(key) || extraHopByHop?.has(key)) continue;
    out[key] = incoming[key];
  }
  const client = req.socket.remoteAddress ?? '';
  const prior = incoming['x-forwarded-for'];
  out['x-forwarded-for'] = prior ? `${prior}, ${client}` : client;
  // Like the ALB: proto and port describe the listener the client reached, whatever the client said.
  out['x-forwarded-proto'] = 'http';
  out['x-forwarded-port'] = port;
  if (incoming.host !== undefined) out['x-forwarded-host'] = incoming.host;
  out['x-request-id'] = requestId;
  return out;
}

function responseHeaders(incoming: IncomingHttpHeaders, requestId: string): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const extraHopByHop = connectionTokens(incoming.connection);
  for (const key in incoming) {
    if (HOP_BY_HOP_RESPONSE.has(key) || extraHopByHop?.has(key)) continue;
    out[key] = incoming[key];
  }
  if (out['x-request-id'] === undefined) out['x-request-id'] = requestId;
  return out;
}

/** Extra hop-by-hop headers named in `Connection` (besides the usual keep-alive/close). */
function connectionTokens(value: string | undefined): Set<string> | undefined {
  if (value === undefined || value === 'keep-alive' || value === 'close') return undefined;
  return new Set(value.split(',').map((t) => t.trim().toLowerCase()));
}
