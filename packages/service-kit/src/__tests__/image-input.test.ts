import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { samplesDir } from '@mlip/catalogue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommonConfig } from '../config.ts';
import { startWebServer, stopWebServer, type WebServer } from '../web-server.ts';
import { errorCode, readJson, type TestModel, testService } from './helpers.ts';

describe('image input modes on the live server', () => {
  let web: WebServer<CommonConfig, TestModel>;
  let bus: Buffer;
  let url: string;

  beforeAll(async () => {
    bus = await readFile(join(samplesDir(), 'bus.jpg'));
    web = await startWebServer(testService(), {
      env: { LOG_LEVEL: 'silent' },
      overrides: { port: 0, host: '127.0.0.1', bodyLimitBytes: 1_000_000, requestTimeoutMs: 300 },
    });
    await web.modelLoad;
    url = `${web.url}/yoloapi/v1/infer`;
  });
  afterAll(() => stopWebServer(web));

  it('multipart field "image" works and other fields become options (body wins over query)', async () => {
    const form = new FormData();
    form.append('image', new Blob([bus], { type: 'image/jpeg' }), 'bus.jpg');
    form.append('scale', '0.25');
    const res = await fetch(`${url}?scale=0.9`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ source: 'multipart', width: 810, options: { scale: 0.25 } });
  });

  it('JSON base64 (data: URL) works', async () => {
    const body = JSON.stringify({ image: `data:image/jpeg;base64,${bus.toString('base64')}`, scale: 0.5 });
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    expect(await readJson(res)).toMatchObject({ source: 'base64', height: 1080, options: { scale: 0.5 } });
  });

  it('multipart with two files, a wrong field or no file answers 400 with the contract codes', async () => {
    const two = new FormData();
    two.append('image', new Blob([bus]), 'a.jpg');
    two.append('image', new Blob([bus]), 'b.jpg');
    const twoRes = await fetch(url, { method: 'POST', body: two });
    expect([twoRes.status, await errorCode(twoRes)]).toEqual([400, 'BAD_REQUEST']);
    const wrong = new FormData();
    wrong.append('file', new Blob([bus]), 'a.jpg');
    const wrongRes = await fetch(url, { method: 'POST', body: wrong });
    expect([wrongRes.status, await errorCode(wrongRes)]).toEqual([400, 'BAD_REQUEST']);
    const none = new FormData();
    none.append('scale', '1');
    const noneRes = await fetch(url, { method: 'POST', body: none });
    expect([noneRes.status, await errorCode(noneRes)]).toEqual([400, 'MISSING_IMAGE']);
  });

  it('bad JSON, bad base64, URL input off, empty body and text/plain get their codes', async () => {
    const post = (body: string, type: string) =>
      fetch(url, { method: 'POST', body, headers: { 'content-type': type } });
    const cases: [Response, number, string][] = [
      [await post('{"image":', 'application/json'), 400, 'BAD_REQUEST'],
      [await post('{"image":"@@@"}', 'application/json'), 400, 'INVALID_BASE64'],
      [
        await post('{"imageUrl":"https://images.cocodataset.org/x.jpg"}', 'application/json'),
        400,
        'URL_NOT_ALLOWED',
      ],
      [await post('', 'image/jpeg'), 400, 'MISSING_IMAGE'],
      [await post('{}', 'application/json'), 400, 'MISSING_IMAGE'],
      [await post('hello', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [await post('hello, not a jpeg at all', 'image/jpeg'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ];
    for (const [res, status, code] of cases)
      expect([res.status, await errorCode(res)]).toEqual([status, code]);
  });

  it('a body over BODY_LIMIT_BYTES answers 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await fetch(url, {
      method: 'POST',
      body: Buffer.concat([bus, bus, bus]),
      headers: { 'content-type': 'image/jpeg' },
    });
    expect([res.status, await errorCode(res)]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('when the client keeps sending a body over the limit, the early 413 still arrives intact (no TCP reset)', async () => {
    // Closing a socket with unread bytes makes the kernel send an RST that can destroy the answer
    // before the client reads it (behind a proxy or the ALB, the client then sees a 502).
    const overLimit = async (framing: 'length' | 'chunked') =>
      new Promise<{ answer: string; error: string | null }>((resolve) => {
        const body = Buffer.alloc(4_000_000, 1);
        const head =
          framing === 'length' ? `Content-Length: ${body.length}\r\n` : 'Transfer-Encoding: chunked\r\n';
        let answer = '';
        const socket = connect(web.port, '127.0.0.1', () => {
          socket.write(
            `POST /yoloapi/v1/infer HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\n${head}\r\n`,
          );
          for (let at = 0; at < body.length; at += 65_536) {
            const part = body.subarray(at, at + 65_536);
            socket.write(
              framing === 'length'
                ? part
                : Buffer.concat([Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')]),
            );
          }
          socket.end(framing === 'length' ? '' : '0\r\n\r\n');
        });
        socket.on('data', (chunk) => {
          answer += chunk.toString();
        });
        socket.on('close', () => resolve({ answer, error: null }));
        socket.on('error', (err: NodeJS.ErrnoException) =>
          resolve({ answer, error: err.code ?? err.message }),
        );
      });
    for (let attempt = 0; attempt < 4; attempt++) {
      for (const framing of ['length', 'chunked'] as const) {
        const { answer, error } = await overLimit(framing);
        expect({ framing, error, status: answer.slice(0, 12) }).toEqual({
          framing,
          error: null,
          status: 'HTTP/1.1 413',
        });
        expect(answer).toContain('"code":"PAYLOAD_TOO_LARGE"');
      }
    }
  });

  it('a body that does not arrive within REQUEST_TIMEOUT_MS answers 408 REQUEST_TIMEOUT', async () => {
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(web.port, '127.0.0.1', () => {
        socket.write(
          'POST /yoloapi/v1/infer HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\nContent-Length: 1000\r\n\r\nabc',
        );
      });
      let data = '';
      socket.on('data', (chunk) => {
        data += chunk.toString();
      });
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(answer).toContain('"code":"REQUEST_TIMEOUT"');
  });
});
