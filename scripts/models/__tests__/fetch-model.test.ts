import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelSource } from '@mlip/catalogue';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchModel } from '../fetch-model.ts';
import { verifyModelFile } from '../verify-model-file.ts';

const payload = Buffer.alloc(300_000);
for (let i = 0; i < payload.length; i += 1) payload[i] = (i * 7 + 3) & 0xff;
const payloadSha = createHash('sha256').update(payload).digest('hex');

let server: http.Server;
let base: string;
let hits = 0;

function source(overrides: Partial<ModelSource> = {}): ModelSource {
  return {
    file: 'test-model.onnx',
    service: 'yolo-api',
    url: `${base}/model.onnx`,
    sha256: payloadSha,
    bytes: payload.length,
    license: 'test',
    description: 'test payload',
    ...overrides,
  };
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits += 1;
    if (req.url === '/model.onnx') {
      // Two writes, so the client sees a streamed body.
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(payload.subarray(0, 100_000));
      setTimeout(() => res.end(payload.subarray(100_000)), 10);
    } else if (req.url === '/redirect') {
      res.writeHead(302, { location: '/model.onnx' }).end();
    } else {
      res.writeHead(404).end('nope');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('fetchModel', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlip-fetch-'));
    hits = 0;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when size and hash match, writes the file under its name, reports progress and leaves no temp file', async () => {
    const progress: number[] = [];
    const result = await fetchModel(source(), dir, { onProgress: (n) => progress.push(n) });
    expect(result).toEqual({ path: join(dir, 'test-model.onnx'), status: 'downloaded' });
    expect((await readFile(result.path)).equals(payload)).toBe(true);
    expect(await readdir(dir)).toEqual(['test-model.onnx']);
    expect(progress.at(-1)).toBe(payload.length);
  });

  it('when a verified copy is already there, does not download again', async () => {
    await fetchModel(source(), dir);
    hits = 0;
    const again = await fetchModel(source(), dir);
    expect(again.status).toBe('present');
    expect(hits).toBe(0);
  });

  it('when a copy with the wrong bytes is there, replaces it with the verified download', async () => {
    await writeFile(join(dir, 'test-model.onnx'), Buffer.alloc(payload.length));
    const result = await fetchModel(source(), dir);
    expect(result.status).toBe('downloaded');
    expect((await verifyModelFile(result.path, source())).ok).toBe(true);
  });

  it('when the server redirects, follows it', async () => {
    const result = await fetchModel(source({ url: `${base}/redirect` }), dir);
    expect(result.status).toBe('downloaded');
  });

  it('when the SHA-256 does not match, fails saying so and leaves no file behind', async () => {
    const wrong = 'a'.repeat(64);
    await expect(fetchModel(source({ sha256: wrong }), dir)).rejects.toThrow(
      /SHA-256 mismatch for test-model\.onnx .*expected a{64}; deleted the downloaded file/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('when the server sends fewer bytes than pinned, fails on size and leaves no file behind', async () => {
    await expect(fetchModel(source({ bytes: payload.length + 1 }), dir)).rejects.toThrow(
      /sent 300000 bytes, expected 300001; deleted the partial download/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('when the server sends more bytes than pinned, stops early and leaves no file behind', async () => {
    await expect(fetchModel(source({ bytes: 1000 }), dir)).rejects.toThrow(
      /more than the expected 1000 bytes/,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('when the URL answers 404, fails naming the URL and the status', async () => {
    const url = `${base}/missing.onnx`;
    await expect(fetchModel(source({ url }), dir)).rejects.toThrow(`from ${url}: HTTP 404`);
    expect(existsSync(join(dir, 'test-model.onnx'))).toBe(false);
  });

  it('when the host refuses the connection, fails naming the URL, the error and what to do offline', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const url = `http://127.0.0.1:${port}/model.onnx`;

    const failure = fetchModel(source({ url }), dir);

    await expect(failure).rejects.toThrow(`could not download test-model.onnx from ${url}: ECONNREFUSED`);
    await expect(failure).rejects.toThrow(/copy test-model\.onnx .* into MODELS_DIR .*YOLO_API_MODEL_PATH/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('verifyModelFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlip-verify-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when the file is missing, reports missing', async () => {
    const check = await verifyModelFile(join(dir, 'nope.onnx'), source());
    expect(check).toMatchObject({ ok: false, problem: 'missing' });
  });

  it('when the file has another size, reports size without hashing', async () => {
    await writeFile(join(dir, 'short.onnx'), payload.subarray(1));
    expect(await verifyModelFile(join(dir, 'short.onnx'), source())).toMatchObject({
      ok: false,
      problem: 'size',
    });
  });

  it('when the file has the right size but other bytes, reports sha256', async () => {
    await writeFile(join(dir, 'other.onnx'), Buffer.alloc(payload.length));
    expect(await verifyModelFile(join(dir, 'other.onnx'), source())).toMatchObject({
      ok: false,
      problem: 'sha256',
    });
  });

  it('when the file is the pinned model, reports ok', async () => {
    await writeFile(join(dir, 'good.onnx'), payload);
    expect(await verifyModelFile(join(dir, 'good.onnx'), source())).toMatchObject({ ok: true });
  });
});
