import { describe, expect, it } from 'vitest';
import { parseManifestText } from '../image-source.ts';
import { computeLatencyStats, percentile } from '../latency-stats.ts';
import { parseLoadArgs, UsageError } from '../load-args.ts';
import { createRandom } from '../random.ts';
import { parseServerTiming } from '../send-request.ts';
import { sampleThinkTimeMs, TRAFFIC_MODES } from '../traffic-modes.ts';

describe('latency statistics', () => {
  it('interpolates percentiles between ranks', () => {
    expect(percentile([1, 2], 50)).toBe(1.5);
    expect(percentile([10, 20, 30, 40, 50], 90)).toBe(46);
    const stats = computeLatencyStats([5, 1, 3, 2, 4])!;
    expect(stats).toMatchObject({ count: 5, p50: 3, mean: 3, min: 1, max: 5 });
  });

  it('when there is no value, returns null', () => {
    expect(computeLatencyStats([])).toBeNull();
  });
});

describe('think times', () => {
  it.each(
    Object.keys(TRAFFIC_MODES) as (keyof typeof TRAFFIC_MODES)[],
  )('stay inside the %s range', (mode) => {
    const random = createRandom(42);
    const { minSeconds, maxSeconds } = TRAFFIC_MODES[mode];
    for (let i = 0; i < 500; i++) {
      const ms = sampleThinkTimeMs(mode, random);
      expect(ms).toBeGreaterThanOrEqual(minSeconds * 1000);
      expect(ms).toBeLessThanOrEqual(maxSeconds * 1000);
    }
  });

  it('when seeded the same, repeat the same sequence', () => {
    const a = createRandom(9);
    const b = createRandom(9);
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
  });
});

describe('parseServerTiming', () => {
  it('reads dur of each metric as <name>Ms and ignores metrics without dur', () => {
    expect(parseServerTiming('decode;dur=9.1, cache;desc="hit", inference;dur=41')).toEqual({
      decodeMs: 9.1,
      inferenceMs: 41,
    });
    expect(parseServerTiming(undefined)).toBeNull();
  });
});

describe('parseManifestText', () => {
  it('accepts a JSON array, JSON lines and bare paths', () => {
    expect(parseManifestText('[{"path":"a.jpg"}, "b.jpg"]')).toEqual([{ path: 'a.jpg' }, 'b.jpg']);
    expect(parseManifestText('{"req_id":"1","image_id":"2","coco_url":"u"}\n# comment\nc.jpg\n')).toEqual([
      { req_id: '1', image_id: '2', coco_url: 'u' },
      'c.jpg',
    ]);
  });

  it('when a JSON line is broken, names the line', () => {
    expect(() => parseManifestText('{"a":1}\n{"b":')).toThrow('manifest line 2 is not valid JSON');
  });
});

describe('parseLoadArgs', () => {
  it('defaults to detect, sustained, one user, bounded by limit and duration', () => {
    const args = parseLoadArgs([]);
    expect(args).toMatchObject({
      api: 'detect',
      url: 'http://localhost:8080/',
      limit: 200,
      durationSeconds: 300,
    });
    expect(args.schedule).toEqual({ kind: 'users', mode: 'sustained', users: 1 });
  });

  it('parses burst mode with a limit', () => {
    const args = parseLoadArgs(['--mode', 'burst', '--limit', '500', '--users', '3']);
    expect(args.schedule).toEqual({ kind: 'users', mode: 'burst', users: 3 });
    expect(args.limit).toBe(500);
  });

  it.each([
    [['--limit', '0'], '--limit must be a positive integer'],
    [['--concurrency', '1.5'], '--concurrency must be a positive integer'],
    [['--api', 'segment'], '--api must be one of'],
    [['--url', 'ftp://x'], '--url must be http(s)'],
    [['--bogus'], 'Unknown option'],
    [['--images', 'a', '--manifest', 'm'], 'exclusive'],
    [['--mode', 'burst', '--rps', '3'], 'choose one way'],
  ])('when given %j, throws a usage error', (argv, message) => {
    expect(() => parseLoadArgs(argv)).toThrow(UsageError);
    expect(() => parseLoadArgs(argv)).toThrow(message);
  });
});
