import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../../lib/run-script.ts';
import { gradientPng } from '../lib/sample-image.ts';
import { type FakePlatform, type FakePlatformFaults, startFakePlatform } from './helpers/fake-platform.ts';
import { freePort } from './helpers/moto-server.ts';

let platform: FakePlatform | undefined;
let dir: string;
let imagePath: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mlip-smoke-'));
  imagePath = join(dir, 'sample.png');
  writeFileSync(imagePath, gradientPng());
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  await platform?.close();
  platform = undefined;
});

async function smokeAgainst(faults: FakePlatformFaults) {
  platform = await startFakePlatform(faults);
  const res = await runScript('scripts/smoke.ts', [
    '--url',
    platform.url,
    '--image',
    imagePath,
    '--timeout',
    '10',
  ]);
  return { res, requests: platform.requests };
}

describe('scripts/smoke.ts against a platform stand-in on loopback', () => {
  it('when every service is ready and answers, passes each check and exits 0', async () => {
    const { res, requests } = await smokeAgainst({});
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.match(/^ok {3}.*$/gm)).toEqual([
      'ok   yolo-api ready: GET /yoloapi/readyz',
      'ok   depth-api ready: GET /depthapi/readyz',
      'ok   webapp ready: GET /healthz',
      'ok   detection: POST /yoloapi/v1/detect (1 detection(s): bus)',
      'ok   depth: POST /depthapi/v1/depth (depth map 96x64)',
      'ok   web UI: GET /',
      'ok   web UI deep link: GET /smoke/deep/link',
    ]);
    const detect = requests.find((r) => r.url === '/yoloapi/v1/detect')!;
    expect(detect.contentType).toBe('image/png');
    expect(detect.bytes).toBe(gradientPng().length);
    expect(detect.head.subarray(1, 4).toString('ascii')).toBe('PNG');
  });

  it('when depth-api is not ready, exits 1 naming its readiness path and sends no inference request', async () => {
    const { res, requests } = await smokeAgainst({ notReady: 'depth-api' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /FAIL smoke: http:\/\/127\.0\.0\.1:\d+\/depthapi\/readyz: HTTP 503, expected 200/,
    );
    expect(requests.some((r) => r.method === 'POST')).toBe(false);
  });

  it('when detection answers without detections, exits 1 saying so', async () => {
    const { res } = await smokeAgainst({ detectWithoutDetections: true });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('/yoloapi/v1/detect: response has no "detections" array');
  });

  it('when the web UI has no SPA fallback, exits 1 on the deep link', async () => {
    const { res } = await smokeAgainst({ deepLink404: true });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('/smoke/deep/link: HTTP 404, expected 200');
  });

  it('when nothing listens at the URL, exits 1 with "no response"', async () => {
    const port = await freePort();
    const res = await runScript('scripts/smoke.ts', [
      '--url',
      `http://127.0.0.1:${port}`,
      '--image',
      imagePath,
    ]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`GET http://127.0.0.1:${port}/yoloapi/readyz: no response`);
  });

  it('when --url is not a URL, exits 2 with usage', async () => {
    const res = await runScript('scripts/smoke.ts', ['--url', 'example.com']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('usage: pnpm smoke');
  });
});
