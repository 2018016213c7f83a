import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../../lib/run-script.ts';
import { loadImagesFromDirs, loadImagesFromManifest } from '../image-source.ts';
import { summarizeRecords } from '../latency-stats.ts';
import { runLoad } from '../run-load.ts';
import { writeLoadOutputs } from '../write-outputs.ts';
import { startFakePlatform } from './fake-platform.ts';

let imageDir: string;

beforeAll(() => {
  imageDir = mkdtempSync(join(tmpdir(), 'loadgen-test-'));
  for (const name of ['000000000139.jpg', '000000000285.jpg', 'b.png']) {
    writeFileSync(join(imageDir, name), Buffer.from(`fake image ${name}`));
  }
  writeFileSync(join(imageDir, 'notes.txt'), 'not an image');
});

afterAll(() => rmSync(imageDir, { recursive: true, force: true }));

describe('runLoad against a fake platform on loopback', () => {
  it('when run closed-loop with a limit, sends exactly that many requests and counts 503s by code', async () => {
    const platform = await startFakePlatform({ overloadEvery: 5 });
    try {
      const run = await runLoad({
        baseUrl: platform.url,
        api: 'detect',
        schedule: { kind: 'concurrency', concurrency: 4 },
        limit: 20,
        durationSeconds: 30,
        timeoutMs: 5000,
        seed: 7,
        images: loadImagesFromDirs([imageDir]),
      });
      const summary = summarizeRecords(run.records, run.durationSeconds);

      expect(platform.received).toHaveLength(20);
      expect(new Set(platform.received.map((r) => r.requestId)).size).toBe(20);
      expect(platform.received.every((r) => r.contentType.startsWith('image/'))).toBe(true);
      expect(summary.requests).toBe(20);
      expect(summary.errorsByKind).toEqual({ 'HTTP 503 OVERLOADED': 4 });
      expect(summary.ok).toBe(16);
      const ok = run.records.find((r) => r.ok)!;
      expect(ok.detections).toBe(2);
      expect(ok.server_timings).toMatchObject({ inferenceMs: 10, decodeMs: 1.5 });
      expect(ok.server_request_id).toBe(ok.req_id);
      expect(summary.latencyMs!.p50).toBeGreaterThan(0);
      expect(summary.latencyMs!.max).toBeGreaterThanOrEqual(summary.latencyMs!.p99);
    } finally {
      await platform.close();
    }
  });

  it('when the api is flow, sends the detected boxes to depth and records both calls', async () => {
    const platform = await startFakePlatform();
    try {
      const run = await runLoad({
        baseUrl: platform.url,
        api: 'flow',
        schedule: { kind: 'users', mode: 'burst', users: 2 },
        limit: 4,
        durationSeconds: 30,
        timeoutMs: 5000,
        seed: 1,
        images: loadImagesFromDirs([imageDir]),
      });

      expect(run.records).toHaveLength(4);
      expect(platform.received.filter((r) => r.path === '/yoloapi/v1/detect')).toHaveLength(4);
      const depthCalls = platform.received.filter((r) => r.path === '/depthapi/v1/depth');
      expect(depthCalls).toHaveLength(4);
      expect(depthCalls.every((r) => r.body.toString('latin1').includes('"label":"bus"'))).toBe(true);
      for (const r of run.records) {
        expect(r.ok).toBe(true);
        expect(r.detections).toBe(2);
        expect(r.server_timings).toMatchObject({ 'detect.inferenceMs': 10, 'depth.inferenceMs': 20 });
        expect(r.latency_ms).toBeCloseTo(r.detect_latency_ms! + r.depth_latency_ms!, 5);
      }
    } finally {
      await platform.close();
    }
  });

  it('when depth answers a binary image, reads the stage timings from Server-Timing', async () => {
    const platform = await startFakePlatform();
    try {
      const run = await runLoad({
        baseUrl: platform.url,
        api: 'depth',
        schedule: { kind: 'rps', rps: 50, maxInFlight: 8 },
        limit: 3,
        durationSeconds: 30,
        timeoutMs: 5000,
        seed: 1,
        images: loadImagesFromDirs([imageDir]),
      });

      expect(run.records).toHaveLength(3);
      expect(run.records[0]!.server_timings).toEqual({ decodeMs: 3, inferenceMs: 20.5, encodeMs: 1 });
    } finally {
      await platform.close();
    }
  });

  it('when given a COCO-style manifest, posts each entry to predict_json with a fresh req_id', async () => {
    const platform = await startFakePlatform();
    const manifest = join(imageDir, 'manifest.jsonl');
    writeFileSync(
      manifest,
      [
        {
          req_id: 'r1',
          image_id: '397133',
          coco_url: 'http://images.cocodataset.org/val2017/000000397133.jpg',
        },
        {
          req_id: 'r2',
          image_id: '37777',
          coco_url: 'http://images.cocodataset.org/val2017/000000037777.jpg',
        },
      ]
        .map((e) => JSON.stringify(e))
        .join('\n'),
    );
    try {
      const run = await runLoad({
        baseUrl: platform.url,
        api: 'predict_json',
        schedule: { kind: 'concurrency', concurrency: 1 },
        limit: 2,
        durationSeconds: 30,
        timeoutMs: 5000,
        seed: 3,
        images: loadImagesFromManifest(manifest, false),
      });

      const bodies = platform.received.map(
        (r) => JSON.parse(r.body.toString('utf8')) as Record<string, string>,
      );
      expect(bodies.map((b) => b.image_id).sort()).toEqual(['37777', '397133']);
      for (const [i, b] of bodies.entries()) {
        expect(b.coco_url).toMatch(/^http:\/\/images\.cocodataset\.org\/val2017\/\d+\.jpg$/);
        expect(b.req_id).toBe(platform.received[i]!.requestId);
      }
      expect(run.records.every((r) => r.ok && r.detections === 0)).toBe(true);
    } finally {
      await platform.close();
    }
  });

  it('when the server never answers, records a timeout; when nothing listens, a network error', async () => {
    const hanging = await startFakePlatform({ hang: true });
    const images = loadImagesFromDirs([imageDir]);
    const common = { api: 'detect' as const, limit: 1, durationSeconds: 10, seed: 1, images };
    try {
      const slow = await runLoad({
        ...common,
        baseUrl: hanging.url,
        timeoutMs: 200,
        schedule: { kind: 'concurrency', concurrency: 1 },
      });
      expect(slow.records[0]!.error).toMatchObject({ kind: 'timeout' });
    } finally {
      await hanging.close();
    }
    const closed = await runLoad({
      ...common,
      baseUrl: hanging.url,
      timeoutMs: 2000,
      schedule: { kind: 'concurrency', concurrency: 1 },
    });
    expect(closed.records[0]!.status).toBeNull();
    expect(closed.records[0]!.error).toMatchObject({ kind: 'network', code: 'ECONNREFUSED' });
    expect(summarizeRecords(closed.records, closed.durationSeconds).errorsByKind).toEqual({
      'network ECONNREFUSED': 1,
    });
  });

  it('when the duration bound is reached first, stops issuing requests', async () => {
    const platform = await startFakePlatform();
    try {
      const run = await runLoad({
        baseUrl: platform.url,
        api: 'detect',
        schedule: { kind: 'users', mode: 'quiet', users: 1 },
        limit: 1000,
        durationSeconds: 0.5,
        timeoutMs: 5000,
        seed: 1,
        images: loadImagesFromDirs([imageDir]),
      });
      // quiet users wait at least 2 s between requests, so only the first one fits in 0.5 s.
      expect(run.records).toHaveLength(1);
      expect(run.durationSeconds).toBeLessThan(2);
    } finally {
      await platform.close();
    }
  });
});

describe('writeLoadOutputs', () => {
  it('writes one JSON line per request, a CSV and a self-contained HTML report with plots', async () => {
    const platform = await startFakePlatform({ overloadEvery: 3 });
    const outDir = join(imageDir, 'out');
    try {
      const run = await runLoad({
        baseUrl: platform.url,
        api: 'detect',
        schedule: { kind: 'concurrency', concurrency: 2 },
        limit: 9,
        durationSeconds: 30,
        timeoutMs: 5000,
        seed: 2,
        images: loadImagesFromDirs([imageDir]),
      });
      const summary = summarizeRecords(run.records, run.durationSeconds);

      const files = writeLoadOutputs({
        outDir,
        records: run.records,
        summary,
        csv: true,
        meta: { title: 't', settings: { api: 'detect' } },
      });

      const lines = readFileSync(files.jsonl, 'utf8').trim().split('\n');
      expect(lines).toHaveLength(9);
      expect(JSON.parse(lines[0]!)).toHaveProperty('latency_ms');
      expect(readFileSync(files.csv!, 'utf8').trim().split('\n')).toHaveLength(10);
      const html = readFileSync(files.html, 'utf8');
      expect(html.match(/<svg /g)).toHaveLength(2);
      expect(html).toContain('HTTP 503 OVERLOADED');
      expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    } finally {
      await platform.close();
    }
  });
});

describe('loadgen CLI', () => {
  const run = (args: string[]) => runScript('scripts/loadgen.ts', args, {}, { timeoutMs: 60_000 });

  it('when arguments are invalid, exits with code 2 and names the problem', async () => {
    const res = await run(['--mode', 'stampede']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--mode must be one of quiet, sustained, burst');
  });

  it('when both --rps and --concurrency are given, exits with code 2', async () => {
    const res = await run(['--rps', '5', '--concurrency', '2']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('choose one way to pace requests');
  });
});
