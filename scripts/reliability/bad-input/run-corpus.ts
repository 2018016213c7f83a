/**
 * Runs the corpus against a platform: every case to both APIs (the two at once, cases one after
 * the other), several passes, the services' RSS read from their /metrics before and after, then
 * readiness and one valid request per API. Returns everything the test asserts and the CLI prints.
 */
import { performance } from 'node:perf_hooks';
import { checkResponse, errorCodeOf } from './check-response.ts';
import { MULTIPART_BOUNDARY, multipartBody } from './corpus-bytes.ts';
import {
  API_TARGETS,
  type ApiName,
  type ApiTarget,
  CORPUS_CASES,
  type CorpusCase,
  type CorpusContext,
  DEFAULT_CASE_TIMEOUT_MS,
  type Expected,
} from './corpus-cases.ts';
import { type RawRequest, sendRawRequest } from './send-raw-request.ts';

export const API_NAMES: readonly ApiName[] = ['detect', 'depth'];

/** Memory bound after the corpus: RSS at most the warm baseline plus this. */
export const RSS_HEADROOM_BYTES = 64 * 1024 * 1024;

/**
 * Corpus passes that run before the memory baseline is read. The first pass is where every
 * decoder (GIF, TIFF, AVIF, 16-bit PNG, CMYK), error path and allocator arena is used for the
 * first time; those one-time costs (20-70 MiB of RSS, measured) are not a leak. A leak grows with
 * every pass after it, which is what the bound is checked against.
 */
export const WARM_UP_PASSES = 1;

export interface CaseResult {
  case: string;
  group: string;
  api: ApiName;
  pass: number;
  expected: { status: number; code: string | null };
  status: number | null;
  code: string | null;
  ms: number;
  problems: string[];
}

export interface ServiceMemory {
  /** RSS after start-up and one valid photo (bytes). */
  startRss: number;
  /** RSS after the warm-up pass(es) of the corpus (`WARM_UP_PASSES`): the warm baseline. */
  baselineRss: number;
  /** RSS after each pass of the corpus, the warm-up pass(es) included. */
  afterPassRss: number[];
  /** RSS at the end (after the final valid request, see `settleRss`). */
  finalRss: number;
  /** How long the final reading waited for RSS to come back under the bound (0 when it was). */
  settleMs: number;
  /** `baselineRss + RSS_HEADROOM_BYTES`. */
  boundRss: number;
}

export interface HealthAfter {
  readyStatus: number | null;
  validStatus: number | null;
  validProblems: string[];
}

export interface CorpusRun {
  passes: number;
  cases: number;
  requests: number;
  passed: number;
  failed: number;
  results: CaseResult[];
  memory: Record<ApiName, ServiceMemory>;
  healthAfter: Record<ApiName, HealthAfter>;
  durationMs: number;
}

let requestSerial = 0;

function requestIdFor(caseName: string, api: ApiName, pass: number): string {
  requestSerial += 1;
  return `bad-input.${caseName}.${api}.p${pass}.${requestSerial}`;
}

function expectedSummary(expected: Expected): CaseResult['expected'] {
  return { status: expected.status, code: 'code' in expected ? expected.code : null };
}

async function runCase(
  baseUrl: string,
  item: CorpusCase,
  api: ApiTarget,
  ctx: CorpusContext,
  pass: number,
): Promise<CaseResult> {
  const request = item.request(api, ctx);
  const requestId = requestIdFor(item.name, api.name, pass);
  request.headers = { ...request.headers, 'x-request-id': requestId };
  const expected = item.expect(api, ctx);
  const response = await sendRawRequest(baseUrl, request, item.timeoutMs ?? DEFAULT_CASE_TIMEOUT_MS);
  const problems = checkResponse(api.name, response, expected, requestId);
  const extra = problems.length === 0 ? item.check?.(response, api, ctx) : undefined;
  if (extra) problems.push(extra);
  return {
    case: item.name,
    group: item.group,
    api: api.name,
    pass,
    expected: expectedSummary(expected),
    status: response.status,
    code: errorCodeOf(response),
    ms: response.ms,
    problems,
  };
}

/** One pass: each case to its APIs (both, unless it says otherwise) at once, the cases one after the other. */
export async function runCorpusPass(
  baseUrl: string,
  ctx: CorpusContext,
  pass: number,
  cases: readonly CorpusCase[] = CORPUS_CASES,
  onResult?: (result: CaseResult) => void,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const item of cases) {
    if (item.applies && !item.applies(ctx)) continue;
    const apis = item.apis ?? API_NAMES;
    const answers = await Promise.all(
      apis.map((name) => runCase(baseUrl, item, API_TARGETS[name], ctx, pass)),
    );
    for (const result of answers) {
      results.push(result);
      onResult?.(result);
    }
  }
  return results;
}

/** `process_resident_memory_bytes` from the service's Prometheus metrics, through the gateway. */
export async function readServiceRss(baseUrl: string, api: ApiName): Promise<number> {
  const res = await sendRawRequest(
    baseUrl,
    { method: 'GET', path: `${API_TARGETS[api].prefix}/metrics`, headers: {} },
    10_000,
  );
  const match = /^process_resident_memory_bytes(?:\{[^}]*\})? (\d+(?:\.\d+)?(?:e\+\d+)?)$/m.exec(
    res.body.toString('utf8'),
  );
  if (res.status !== 200 || !match) throw new Error(`no RSS in ${api} metrics (HTTP ${res.status})`);
  return Number(match[1]);
}

function validPhotoRequest(api: ApiName, photo: Buffer, requestId: string): RawRequest {
  return {
    method: 'POST',
    path: API_TARGETS[api].route,
    headers: {
      'content-type': `multipart/form-data; boundary=${MULTIPART_BOUNDARY}`,
      'x-request-id': requestId,
    },
    body: multipartBody([{ name: 'image', filename: 'photo.jpg', contentType: 'image/jpeg', data: photo }]),
  };
}

/** A real photo through the multipart route (the request every user makes), checked. */
export async function sendValidPhoto(
  baseUrl: string,
  api: ApiName,
  photo: Photo,
  requestId: string,
): Promise<{ status: number | null; problems: string[] }> {
  const response = await sendRawRequest(baseUrl, validPhotoRequest(api, photo.bytes, requestId), 60_000);
  return {
    status: response.status,
    problems: checkResponse(api, response, { status: 200, image: photo.size }, requestId),
  };
}

async function checkHealth(baseUrl: string, api: ApiName, photo: Photo): Promise<HealthAfter> {
  const ready = await sendRawRequest(
    baseUrl,
    { method: 'GET', path: `${API_TARGETS[api].prefix}/readyz`, headers: {} },
    10_000,
  );
  const valid = await sendValidPhoto(baseUrl, api, photo, `bad-input.after.${api}`);
  return { readyStatus: ready.status, validStatus: valid.status, validProblems: valid.problems };
}

export interface Photo {
  bytes: Buffer;
  size: { width: number; height: number };
}

export interface RunCorpusOptions {
  baseUrl: string;
  context: CorpusContext;
  /** A real photo for the warm-up and the after-check. */
  photo: Photo;
  /** Passes over the whole corpus. @default 3 */
  passes?: number;
  cases?: readonly CorpusCase[];
  onResult?: (result: CaseResult) => void;
}

/** Longest wait for RSS to come back under its bound once the corpus is over. */
export const RSS_SETTLE_MS = 5_000;

/**
 * RSS once the load has stopped: read at once, and while it is over `bound`, again every second for
 * up to RSS_SETTLE_MS (V8 shrinks its heap when allocation stops; a real leak never comes back).
 */
async function settleRss(
  baseUrl: string,
  api: ApiName,
  bound: number,
): Promise<{ rss: number; waitedMs: number }> {
  const started = performance.now();
  let rss = await readServiceRss(baseUrl, api);
  while (rss > bound && performance.now() - started < RSS_SETTLE_MS) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    rss = await readServiceRss(baseUrl, api);
  }
  return { rss, waitedMs: Math.round(performance.now() - started) };
}

async function readAllRss(baseUrl: string): Promise<Record<ApiName, number>> {
  const [detect, depth] = await Promise.all(API_NAMES.map((api) => readServiceRss(baseUrl, api)));
  return { detect: detect!, depth: depth! };
}

/**
 * Warm-up (one valid photo per API, so the baseline includes the inference buffers), `passes`
 * passes of the corpus with RSS after each (the warm baseline is the reading after the first
 * `WARM_UP_PASSES`), then readiness, one valid photo and final RSS.
 */
export async function runCorpus(options: RunCorpusOptions): Promise<CorpusRun> {
  const started = performance.now();
  const passes = options.passes ?? 3;
  if (!Number.isInteger(passes) || passes <= WARM_UP_PASSES) {
    throw new Error(`passes must be an integer above the ${WARM_UP_PASSES} warm-up pass(es), got ${passes}`);
  }
  const { baseUrl, photo } = options;
  for (const api of API_NAMES) {
    const warm = await sendValidPhoto(baseUrl, api, photo, `bad-input.warm-up.${api}`);
    if (warm.problems.length > 0) throw new Error(`warm-up ${api} failed: ${warm.problems.join('; ')}`);
  }
  const start = await readAllRss(baseUrl);
  const afterPass: Record<ApiName, number[]> = { detect: [], depth: [] };
  const results: CaseResult[] = [];
  for (let pass = 1; pass <= passes; pass++) {
    results.push(...(await runCorpusPass(baseUrl, options.context, pass, options.cases, options.onResult)));
    const rss = await readAllRss(baseUrl);
    for (const api of API_NAMES) afterPass[api].push(rss[api]);
  }
  const healthAfter = {} as Record<ApiName, HealthAfter>;
  for (const api of API_NAMES) healthAfter[api] = await checkHealth(baseUrl, api, photo);
  const memory = {} as Record<ApiName, ServiceMemory>;
  for (const api of API_NAMES) {
    const baselineRss = afterPass[api][WARM_UP_PASSES - 1]!;
    const boundRss = baselineRss + RSS_HEADROOM_BYTES;
    const settled = await settleRss(baseUrl, api, boundRss);
    memory[api] = {
      startRss: start[api],
      baselineRss,
      afterPassRss: afterPass[api],
      finalRss: settled.rss,
      settleMs: settled.waitedMs,
      boundRss,
    };
  }
  const failed = results.filter((r) => r.problems.length > 0).length;
  return {
    passes,
    cases: new Set(results.map((r) => r.case)).size,
    requests: results.length,
    passed: results.length - failed,
    failed,
    results,
    memory,
    healthAfter,
    durationMs: Math.round(performance.now() - started),
  };
}
