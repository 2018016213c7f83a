/**
 * The loopback "remote image host" of the URL cases: a valid image, redirects to private and
 * metadata addresses, files over the size limit (declared and streamed), a host that never
 * answers, and a probe path the SVG case points at (it must never be hit).
 *
 * It listens on 127.0.0.2 where the OS routes all of 127/8 to loopback (Linux), so the services
 * can trust exactly that address (URL_TRUSTED_ADDRESSES) while 127.0.0.1 stays refused as the
 * loopback case. Elsewhere (macOS has only 127.0.0.1) it falls back to 127.0.0.1 and the loopback
 * cases use 127.0.0.3, which is refused before any connection is made.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface UrlFixtureServer {
  /** The address the services trust; the URL host of the fixture URLs. */
  readonly host: string;
  /** A loopback address that is not trusted (the "loopback" cases). */
  readonly untrustedLoopback: string;
  readonly port: number;
  /** `http://host:port` */
  readonly origin: string;
  /** How many requests reached `path` so far. */
  hits(path: string): number;
  close(): Promise<void>;
}

export const URL_FIXTURE_PATHS = Object.freeze({
  image: '/images/photo.jpg',
  redirectPrivate: '/redirect/private',
  redirectMetadata: '/redirect/metadata',
  hugeDeclared: '/huge/declared.jpg',
  hugeStreamed: '/huge/streamed.jpg',
  hanging: '/hang.jpg',
  svgProbe: '/svg-external-reference.png',
});

export interface UrlFixtureOptions {
  image: Buffer;
  /** Bytes served by the huge paths; make it larger than URL_MAX_BYTES. */
  hugeBytes: number;
}

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function streamZeros(res: ServerResponse, total: number): void {
  const chunk = Buffer.alloc(64 * 1024);
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      sent += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  res.on('error', () => {});
  pump();
}

export async function startUrlFixtureServer(options: UrlFixtureOptions): Promise<UrlFixtureServer> {
  const hits = new Map<string, number>();
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    switch (path) {
      case URL_FIXTURE_PATHS.image:
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': options.image.length });
        res.end(options.image);
        return;
      case URL_FIXTURE_PATHS.redirectPrivate:
        res.writeHead(302, { location: 'http://10.0.0.1/internal/photo.jpg' }).end();
        return;
      case URL_FIXTURE_PATHS.redirectMetadata:
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam/' }).end();
        return;
      case URL_FIXTURE_PATHS.hugeDeclared:
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': options.hugeBytes });
        streamZeros(res, options.hugeBytes);
        return;
      case URL_FIXTURE_PATHS.hugeStreamed:
        // No Content-Length: the limit has to be enforced while the bytes arrive.
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        streamZeros(res, options.hugeBytes);
        return;
      case URL_FIXTURE_PATHS.hanging:
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      default:
        res.writeHead(404).end();
    }
  });
  let host = '127.0.0.2';
  let untrustedLoopback = '127.0.0.1';
  let port: number;
  try {
    port = await listen(server, host);
  } catch {
    host = '127.0.0.1';
    untrustedLoopback = '127.0.0.3';
    port = await listen(server, host);
  }
  return {
    host,
    untrustedLoopback,
    port,
    origin: `http://${host}:${port}`,
    hits: (path) => hits.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
