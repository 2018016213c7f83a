/**
 * What makes an answer correct, whatever the case: the expected status; for errors a JSON body
 * `{error:{code,message,requestId}}` with the stable code, the request id echoed in the header and
 * the body, and no stack trace; for valid images a result of the right size whose numbers make
 * sense (boxes inside the image, a depth map of the image's size with a finite range).
 */
import type { ApiName, Expected } from './corpus-cases.ts';
import type { RawResponse } from './send-raw-request.ts';

interface ErrorJson {
  error?: { code?: unknown; message?: unknown; requestId?: unknown };
}

interface Size {
  width: number;
  height: number;
}

interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

interface DetectJson {
  image?: Size;
  detections?: { box?: Box; confidence?: number }[];
}

interface DepthJson {
  image?: Size;
  stats?: { min: number; max: number; mean: number };
  depthMap?: { width: number; height: number; base64: string };
}

/** `error.code` of a JSON error body, or null. */
export function errorCodeOf(response: RawResponse): string | null {
  const code = (response.json as ErrorJson | undefined)?.error?.code;
  return typeof code === 'string' ? code : null;
}

function checkError(response: RawResponse, expected: { code: string; message?: RegExp }, sentId: string) {
  const problems: string[] = [];
  const type = String(response.headers['content-type'] ?? '');
  if (!type.startsWith('application/json')) problems.push(`content-type "${type}", not JSON`);
  const error = (response.json as ErrorJson | undefined)?.error;
  if (!error) {
    problems.push(`no {error} body: ${response.body.toString('utf8').slice(0, 120)}`);
    return problems;
  }
  if (error.code !== expected.code) problems.push(`code ${String(error.code)}, expected ${expected.code}`);
  if (typeof error.message !== 'string' || error.message.length === 0) problems.push('no error.message');
  else {
    if (/\n\s+at /.test(error.message) || /\.ts:\d+/.test(error.message)) problems.push('stack trace leaked');
    if (expected.message && !expected.message.test(error.message)) {
      problems.push(`message "${error.message}" does not match ${expected.message}`);
    }
  }
  if (error.requestId !== sentId) problems.push(`error.requestId ${String(error.requestId)}, sent ${sentId}`);
  return problems;
}

function checkBox(box: Box | undefined, size: Size): string | undefined {
  if (!box) return 'detection without a box';
  const { x1, y1, x2, y2 } = box;
  if (![x1, y1, x2, y2].every(Number.isFinite)) return `box with a non-finite corner ${JSON.stringify(box)}`;
  if (x1 < 0 || y1 < 0 || x2 > size.width || y2 > size.height)
    return `box outside the image ${JSON.stringify(box)}`;
  if (!(x1 < x2 && y1 < y2)) return `empty or inverted box ${JSON.stringify(box)}`;
  return undefined;
}

function checkResult(api: ApiName, response: RawResponse, size: Size): string[] {
  const problems: string[] = [];
  const body = response.json as (DetectJson & DepthJson) | undefined;
  if (!body) return [`200 without a JSON body (${String(response.headers['content-type'])})`];
  if (body.image?.width !== size.width || body.image?.height !== size.height) {
    problems.push(`image ${JSON.stringify(body.image)}, expected ${size.width}x${size.height}`);
  }
  if (api === 'detect') {
    if (!Array.isArray(body.detections)) return [...problems, 'no detections array'];
    for (const d of body.detections) {
      const problem = checkBox(d.box, size);
      if (problem) problems.push(problem);
      if (!(typeof d.confidence === 'number' && d.confidence >= 0 && d.confidence <= 1)) {
        problems.push(`confidence ${String(d.confidence)}`);
      }
    }
    return problems;
  }
  const { stats, depthMap } = body;
  if (!stats || ![stats.min, stats.max, stats.mean].every(Number.isFinite) || stats.min > stats.max) {
    problems.push(`depth stats ${JSON.stringify(stats)}`);
  }
  if (depthMap?.width !== size.width || depthMap?.height !== size.height || !depthMap.base64) {
    problems.push(`depth map ${depthMap?.width}x${depthMap?.height}, expected ${size.width}x${size.height}`);
  }
  return problems;
}

/** Every way `response` differs from `expected`; empty when it is right. */
export function checkResponse(
  api: ApiName,
  response: RawResponse,
  expected: Expected,
  sentRequestId: string,
): string[] {
  if (response.networkError) return [`no complete answer: ${response.networkError}`];
  const problems: string[] = [];
  if (response.status !== expected.status)
    problems.push(`status ${response.status}, expected ${expected.status}`);
  const headerId = response.headers['x-request-id'];
  if (headerId !== sentRequestId) problems.push(`X-Request-Id ${String(headerId)}, sent ${sentRequestId}`);
  if ('code' in expected) problems.push(...checkError(response, expected, sentRequestId));
  else if (response.status === 200) problems.push(...checkResult(api, response, expected.image));
  return problems;
}
