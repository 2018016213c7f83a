// @vitest-environment node
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  IMMUTABLE_CACHE,
  NO_CACHE,
  resolveSafePath,
  type StaticServer,
  startStaticServer,
} from '../static-server.ts';

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** node:http instead of fetch: fetch normalises `..` away and always decompresses. */
function get(url: string, path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<RawResponse>((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = request({ hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const INDEX_HTML = '<!doctype html><html><body><div id="root"></div></body></html>';
const APP_JS = `console.log(${JSON.stringify('x'.repeat(4000))});`;

describe('static server', () => {
  let dir: string;
  let dist: string;
  let server: StaticServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'webapp-static-'));
    dist = join(dir, 'dist');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    mkdirSync(join(dist, 'samples'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), INDEX_HTML);
    writeFileSync(join(dist, 'assets', 'index-AbC123.js'), APP_JS);
    writeFileSync(join(dist, 'assets', 'style-XyZ.css'), `body{color:red}${' '.repeat(2000)}`);
    writeFileSync(join(dist, 'assets', 'style-XyZ.css.gz'), gzipSync('precompressed'));
    writeFileSync(join(dist, 'samples', 'bus.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    writeFileSync(join(dir, 'secret.txt'), 'outside the dist directory');
    server = await startStaticServer({ distDir: dist, port: 0, host: '127.0.0.1' });
  });

  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when / is requested, serves index.html with no-cache', async () => {
    const res = await get(server.url, '/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe(NO_CACHE);
    expect(res.body.toString()).toBe(INDEX_HTML);
  });

  it('when a deep link is requested, falls back to index.html', async () => {
    const res = await get(server.url, '/results/abc?tab=depth');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe(NO_CACHE);
    expect(res.body.toString()).toBe(INDEX_HTML);
  });

  it('when a hashed asset is requested, serves it immutable for a year', async () => {
    const res = await get(server.url, '/assets/index-AbC123.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe(IMMUTABLE_CACHE);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.toString()).toBe(APP_JS);
  });

  it('when a missing asset is requested, answers 404 instead of index.html', async () => {
    const missingAsset = await get(server.url, '/assets/missing-123.js');
    const missingFile = await get(server.url, '/favicon.ico');
    expect(missingAsset.status).toBe(404);
    expect(JSON.parse(missingAsset.body.toString()).error.code).toBe('NOT_FOUND');
    expect(missingFile.status).toBe(404);
  });

  it('when the client accepts gzip, compresses on the fly and says Vary', async () => {
    const first = await get(server.url, '/assets/index-AbC123.js', { 'Accept-Encoding': 'gzip, br' });
    const second = await get(server.url, '/assets/index-AbC123.js', { 'Accept-Encoding': 'gzip' });
    expect(first.status).toBe(200);
    expect(first.headers['content-encoding']).toBe('gzip');
    expect(first.headers.vary).toBe('Accept-Encoding');
    expect(Number(first.headers['content-length'])).toBeLessThan(APP_JS.length);
    expect(gunzipSync(first.body).toString()).toBe(APP_JS);
    expect(second.body.equals(first.body)).toBe(true);
  });

  it('when a precompressed .gz file sits beside the asset, serves that file', async () => {
    const res = await get(server.url, '/assets/style-XyZ.css', { 'Accept-Encoding': 'gzip' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(res.body).toString()).toBe('precompressed');
  });

  it('when gzip is refused with q=0, sends the file uncompressed', async () => {
    const res = await get(server.url, '/assets/index-AbC123.js', { 'Accept-Encoding': 'gzip;q=0, identity' });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.toString()).toBe(APP_JS);
  });

  it('when the ETag matches, answers 304 without a body', async () => {
    const first = await get(server.url, '/samples/bus.jpg');
    const second = await get(server.url, '/samples/bus.jpg', { 'If-None-Match': String(first.headers.etag) });
    expect(first.headers['cache-control']).toBe(NO_CACHE);
    expect(first.headers['content-type']).toBe('image/jpeg');
    expect(second.status).toBe(304);
    expect(second.body.length).toBe(0);
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/..%5csecret.txt',
    '/index.html%00.js',
    '/%E0%A4%A',
  ])('when the path %s tries to leave the dist directory or is malformed, answers 400', async (path) => {
    const res = await get(server.url, path);
    expect(res.status).toBe(400);
    expect(res.body.toString()).not.toContain('outside the dist directory');
  });

  it('when /healthz is requested, answers 200 JSON', async () => {
    const res = await get(server.url, '/healthz');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body.toString())).toEqual({ status: 'ok' });
  });

  it('when the method is POST, answers 405 with Allow', async () => {
    const res = await get(server.url, '/', {}, 'POST');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('when HEAD is used, sends the headers without a body', async () => {
    const res = await get(server.url, '/assets/index-AbC123.js', {}, 'HEAD');
    expect(res.status).toBe(200);
    expect(Number(res.headers['content-length'])).toBe(APP_JS.length);
    expect(res.body.length).toBe(0);
  });
});

describe('resolveSafePath', () => {
  it('keeps paths inside the root and refuses the rest', () => {
    expect(resolveSafePath('/srv/dist', '/assets/a.js')).toBe('/srv/dist/assets/a.js');
    expect(resolveSafePath('/srv/dist', '/a%20b.png')).toBe('/srv/dist/a b.png');
    expect(resolveSafePath('/srv/dist', '/../dist2/x')).toBeNull();
  });
});
