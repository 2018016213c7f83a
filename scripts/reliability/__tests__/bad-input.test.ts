/**
 * The bad-input corpus (scripts/reliability/bad-input/corpus-cases.ts) through the gateway of a
 * real local platform: yolo-api on the real YOLO model, depth-api on the generated test model, a
 * loopback-only image host for the URL cases. Four passes over every case to both APIs (the first
 * one warms up every decoder and error path before the memory baseline is read); then the services
 * must still be ready, still answer a real photo, and be back within their memory bound.
 * Writes artifacts/reliability-bad-input.json, the same report as `pnpm reliability:bad-input`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORPUS_CASES } from '../bad-input/corpus-cases.ts';
import { CORPUS_LIMITS, type CorpusPlatform, startCorpusPlatform } from '../bad-input/corpus-platform.ts';
import { writeCorpusReport } from '../bad-input/corpus-report.ts';
import {
  API_NAMES,
  type CorpusRun,
  RSS_HEADROOM_BYTES,
  runCorpus,
  WARM_UP_PASSES,
} from '../bad-input/run-corpus.ts';
import { URL_FIXTURE_PATHS } from '../bad-input/url-fixture-server.ts';
import { DEFAULT_PASSES, DEFAULT_REPORT_FILE } from '../bad-input-corpus.ts';

const PASSES = DEFAULT_PASSES;

/** What issue 8 lists, each mapped to the case(s) that send it. */
const REQUIRED_CASES = [
  'empty-body',
  'one-byte',
  'truncated-jpeg',
  'png-bad-crc',
  'text-as-jpeg',
  'pdf-as-jpeg',
  'svg-external-reference',
  'gif-animated',
  'png-declares-30000x30000',
  'png-10000x10',
  'png-1x1',
  'png-16-bit',
  'jpeg-cmyk',
  'jpeg-exif-rotated',
  'png-alpha',
  'json-invalid-base64',
  'json-malformed',
  'json-oversized',
  'multipart-no-file',
  'multipart-two-files',
  'multipart-wrong-field',
  'body-over-limit',
  'body-too-slow',
  'url-loopback',
  'url-private-10',
  'url-private-192-168',
  'url-metadata',
  'url-file-scheme',
  'url-redirect-to-private',
  'url-huge-declared',
  'unknown-route',
  'wrong-method',
];

describe('bad-input corpus through the gateway (real yolo-api and depth-api)', () => {
  let corpus: CorpusPlatform | undefined;
  let run: CorpusRun;

  beforeAll(async () => {
    corpus = await startCorpusPlatform({ readyTimeoutMs: 120_000 });
    run = await runCorpus({
      baseUrl: corpus.platform.url,
      context: corpus.context,
      photo: { bytes: corpus.photo, size: { width: 810, height: 1080 } },
      passes: PASSES,
    });
    writeCorpusReport(DEFAULT_REPORT_FILE, run, {
      command: 'npx vitest run --project scripts scripts/reliability/__tests__/bad-input.test.ts',
      yoloModel: corpus.yoloModelPath,
      depthModel: `${corpus.depthModelPath} (generated test model)`,
      limits: { ...CORPUS_LIMITS },
    });
  }, 300_000);

  afterAll(async () => {
    await corpus?.stop();
  });

  it('the table has at least 30 unique cases and covers every input the issue lists', () => {
    const names = CORPUS_CASES.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeGreaterThanOrEqual(30);
    expect(REQUIRED_CASES.filter((name) => !names.includes(name))).toEqual([]);
  });

  describe.each(CORPUS_CASES.map((item) => [item.name, item] as const))('%s', (_name, item) => {
    it(`when sent to ${(item.apis ?? API_NAMES).join(' and ')} ${PASSES} times, every answer is the expected one (${item.what})`, () => {
      const results = run.results.filter((r) => r.case === item.name);
      if (item.applies && corpus && !item.applies(corpus.context)) {
        expect(results).toEqual([]);
        return;
      }
      expect(results).toHaveLength(PASSES * (item.apis ?? API_NAMES).length);
      const failures = results
        .filter((r) => r.problems.length > 0)
        .map((r) => ({ api: r.api, pass: r.pass, expected: r.expected, problems: r.problems }));
      expect(failures).toEqual([]);
    });
  });

  it('the SVG external reference and the redirect targets were never fetched; the valid URL was', () => {
    const urls = corpus!.context.urls;
    expect(urls.hits(URL_FIXTURE_PATHS.svgProbe)).toBe(0);
    // url-valid on both APIs, predict-json-valid on yolo-api.
    expect(urls.hits(URL_FIXTURE_PATHS.image)).toBe(PASSES * (API_NAMES.length + 1));
    expect(urls.hits(URL_FIXTURE_PATHS.redirectPrivate)).toBe(PASSES * API_NAMES.length);
  });

  it('after the corpus, both services are still ready and answer a real photo correctly', () => {
    for (const api of API_NAMES) {
      expect({ api, ...run.healthAfter[api] }).toEqual({
        api,
        readyStatus: 200,
        validStatus: 200,
        validProblems: [],
      });
    }
  });

  it(`after ${PASSES - WARM_UP_PASSES} more passes, each service's RSS is back within its warm baseline (after ${WARM_UP_PASSES} pass) + ${RSS_HEADROOM_BYTES / 2 ** 20} MiB`, () => {
    for (const api of API_NAMES) {
      const m = run.memory[api];
      expect(m.baselineRss).toBe(m.afterPassRss[WARM_UP_PASSES - 1]);
      expect(m.finalRss, `${api}: ${JSON.stringify(m)}`).toBeLessThanOrEqual(m.boundRss);
    }
  });
});
