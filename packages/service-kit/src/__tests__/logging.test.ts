import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startWebServer, stopWebServer } from '../web-server.ts';
import { testService } from './helpers.ts';

describe('request logging', () => {
  it('writes one JSON access line per request carrying the request id, and no stack for client errors', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const web = await startWebServer(testService({ beforeLoad: () => new Promise(() => {}) }), {
      env: {},
      overrides: { port: 0, host: '127.0.0.1' },
      logger: pino({ level: 'info' }, sink),
    });
    try {
      await fetch(`${web.url}/yoloapi/healthz`, { headers: { 'x-request-id': 'trace-1' } });
      const bad = await fetch(`${web.url}/yoloapi/nope`, {
        headers: { 'x-request-id': 'bad id with spaces' },
      });
      const generated = bad.headers.get('x-request-id')!;
      expect(generated).toMatch(/^[0-9a-f-]{36}$/);
      await new Promise((r) => setTimeout(r, 20));
      const access = lines.filter((l) => l.msg === 'request');
      expect(access).toHaveLength(2);
      expect(access[0]).toMatchObject({
        requestId: 'trace-1',
        method: 'GET',
        url: '/yoloapi/healthz',
        status: 200,
      });
      expect(access[1]).toMatchObject({ requestId: generated, status: 404 });
      expect(JSON.stringify(lines)).not.toContain('    at ');
    } finally {
      // The model never finishes loading here: stop must still return within its deadline.
      const started = Date.now();
      await stopWebServer(web, { deadlineMs: 500 });
      expect(Date.now() - started).toBeLessThan(2_000);
    }
  });
});
