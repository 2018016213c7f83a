/**
 * Static file server for the Vite build: node builtins only, so the container needs no node_modules.
 *
 * - SPA fallback: an unknown path without a file extension (a deep link like /results/abc) gets
 *   index.html; a missing asset (/assets/x.js, /favicon.ico) is a real 404.
 * - Cache: hashed files under /assets/ are `immutable` for a year; everything else (index.html,
 *   the samples) is `no-cache`, i.e. revalidated through its ETag on every use.
 * - gzip when the client accepts it: a precompressed `<file>.gz` beside the file when the build has
 *   one, else compressed once on the fly and kept in memory (the build is immutable while we run).
 * - Paths are decoded, normalised and resolved inside the dist directory; anything that would
 *   leave it (../, encoded %2e%2e, NUL bytes, backslashes) is refused with 400.
 */
import { createReadStream, type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface StaticServerOptions {
  /** Directory holding index.html and assets/ (the Vite build). */
  distDir: string;
  port: number;
  host: string;
}

export interface StaticServer {
  readonly url: string;
  readonly port: number;
  readonly server: http.Server;
  /** Fail /healthz, stop accepting connections and wait for in-flight responses. */
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.map', '.svg', '.txt']);
/** Below this, gzip framing costs more than it saves. */
const MIN_GZIP_BYTES = 1024;

export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
export const NO_CACHE = 'no-cache';

/** Vite writes content-hashed names into assets/ (build.assetsDir), and nothing else there. */
function isHashedAsset(urlPath: string): boolean {
  return urlPath.startsWith('/assets/');
}

function sendJson(res: ServerResponse, status: number, body: unknown, head: boolean): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(head ? undefined : text);
}

function sendError(res: ServerResponse, status: number, code: string, message: string, head: boolean): void {
  sendJson(res, status, { error: { code, message } }, head);
}

/** URL path -> absolute file path inside distDir, or null when the path is not acceptable. */
export function resolveSafePath(distDir: string, rawPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/');
  if (segments.some((s) => s === '..')) return null;
  const root = resolve(distDir);
  const file = resolve(root, `.${decoded}`);
  if (file !== root && !file.startsWith(root + sep)) return null;
  return file;
}

async function statFile(path: string): Promise<Stats | null> {
  try {
    const s = await stat(path);
    return s.isFile() ? s : null;
  } catch {
    return null;
  }
}

function acceptsGzip(req: IncomingMessage): boolean {
  const header = req.headers['accept-encoding'];
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return /(^|,)\s*gzip\s*(;\s*q=(?!0(\.0*)?\s*(,|$))[\d.]+)?\s*(,|$)/i.test(value);
}

export function createStaticHandler(distDir: string) {
  const root = resolve(distDir);
  const gzipCache = new Map<string, Buffer>();
  let shuttingDown = false;

  async function serveFile(
    req: IncomingMessage,
    res: ServerResponse,
    file: string,
    stats: Stats,
    cacheControl: string,
    head: boolean,
  ): Promise<void> {
    const ext = extname(file).toLowerCase();
    const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': CONTENT_TYPES[ext] ?? 'application/octet-stream',
      'Cache-Control': cacheControl,
      ETag: etag,
      'Last-Modified': stats.mtime.toUTCString(),
      'X-Content-Type-Options': 'nosniff',
    };
    const compressible = COMPRESSIBLE.has(ext) && stats.size >= MIN_GZIP_BYTES;
    if (compressible) headers.Vary = 'Accept-Encoding';
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    if (compressible && acceptsGzip(req)) {
      const precompressed = await statFile(`${file}.gz`);
      headers['Content-Encoding'] = 'gzip';
      if (precompressed) {
        headers['Content-Length'] = precompressed.size;
        res.writeHead(200, headers);
        if (head) res.end();
        else createReadStream(`${file}.gz`).pipe(res);
        return;
      }
      const key = `${file}:${etag}`;
      let body = gzipCache.get(key);
      if (!body) {
        body = gzipSync(await readFile(file));
        gzipCache.set(key, body);
      }
      headers['Content-Length'] = body.length;
      res.writeHead(200, headers);
      res.end(head ? undefined : body);
      return;
    }
    headers['Content-Length'] = stats.size;
    res.writeHead(200, headers);
    if (head) res.end();
    else createReadStream(file).pipe(res);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) {
      res.setHeader('Allow', 'GET, HEAD');
      sendError(res, 405, 'METHOD_NOT_ALLOWED', `${req.method} is not allowed`, false);
      return;
    }
    const urlPath = (req.url ?? '/').split('?')[0] ?? '/';
    if (urlPath === '/healthz') {
      if (shuttingDown) sendJson(res, 503, { status: 'shutting-down' }, head);
      else sendJson(res, 200, { status: 'ok' }, head);
      return;
    }
    const file = resolveSafePath(root, urlPath);
    if (file === null) {
      sendError(res, 400, 'BAD_REQUEST', 'invalid path', head);
      return;
    }
    const stats = file === root ? null : await statFile(file);
    if (stats) {
      const cacheControl = isHashedAsset(urlPath) && !file.endsWith('.html') ? IMMUTABLE_CACHE : NO_CACHE;
      await serveFile(req, res, file, stats, cacheControl, head);
      return;
    }
    // A path that names a file (has an extension) or lives under assets/ is missing for real;
    // anything else is a client-side route of the single-page app.
    const lastSegment = urlPath.slice(urlPath.lastIndexOf('/') + 1);
    if (isHashedAsset(urlPath) || extname(lastSegment) !== '') {
      sendError(res, 404, 'NOT_FOUND', `${urlPath} not found`, head);
      return;
    }
    const index = join(root, 'index.html');
    const indexStats = await statFile(index);
    if (!indexStats) {
      sendError(res, 500, 'INTERNAL', 'the build has no index.html', head);
      return;
    }
    await serveFile(req, res, index, indexStats, NO_CACHE, head);
  }

  return {
    handle(req: IncomingMessage, res: ServerResponse): void {
      handle(req, res).catch(() => {
        if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'internal error', false);
        else res.destroy();
      });
    },
    markShuttingDown(): void {
      shuttingDown = true;
    },
  };
}

export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const handler = createStaticHandler(options.distDir);
  const server = http.createServer(handler.handle);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${urlHost === '0.0.0.0' ? '127.0.0.1' : urlHost}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolveClose) => {
        handler.markShuttingDown();
        server.close(() => resolveClose());
        server.closeIdleConnections();
      }),
  };
}
