/**
 * Sends one simulated request (detect, depth, detect-then-depth flow, or the COCO
 * `predict_json` compatibility route) and turns the answer into a `RequestRecord`.
 * Latency runs from just before the request is written until the body is fully read.
 */
import { performance } from 'node:perf_hooks';
import { type Dispatcher, FormData, request } from 'undici';
import { API_ROUTES } from './api-routes.ts';
import type { LoadImage } from './image-source.ts';
import type { LoadApi, RequestError, RequestRecord } from './request-record.ts';

export interface SendContext {
  baseUrl: string;
  dispatcher: Dispatcher;
  timeoutMs: number;
  /** Epoch of the run (performance.now()) that `start_ms` is relative to. */
  runStartedAt: number;
}

interface CallResult {
  status: number | null;
  latencyMs: number;
  body: unknown;
  serverTimings: Record<string, number> | null;
  serverRequestId?: string;
  error?: RequestError;
}

type CallBody =
  | { kind: 'image'; image: LoadImage }
  | { kind: 'json'; json: unknown }
  | { kind: 'form'; form: FormData };

/** `decode;dur=9.1, inference;dur=41` → `{decodeMs: 9.1, inferenceMs: 41}`. */
export function parseServerTiming(header: string | string[] | undefined): Record<string, number> | null {
  if (header === undefined) return null;
  const text = Array.isArray(header) ? header.join(',') : header;
  const out: Record<string, number> = {};
  for (const metric of text.split(',')) {
    const [rawName, ...params] = metric.split(';').map((p) => p.trim());
    if (!rawName) continue;
    const dur = params.find((p) => p.startsWith('dur='));
    if (!dur) continue;
    const value = Number(dur.slice(4));
    if (Number.isFinite(value)) out[rawName.endsWith('Ms') ? rawName : `${rawName}Ms`] = value;
  }
  return Object.keys(out).length > 0 ? out : null;
}

function timingsFromBody(body: unknown): Record<string, number> | null {
  if (typeof body !== 'object' || body === null || !('timings' in body)) return null;
  const timings = (body as { timings: unknown }).timings;
  if (typeof timings !== 'object' || timings === null) return null;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(timings)) if (typeof v === 'number') out[k] = v;
  return out;
}

function errorCodeFromBody(body: unknown): { code?: string; message?: string } {
  if (typeof body !== 'object' || body === null || !('error' in body)) return {};
  const error = (body as { error: unknown }).error;
  if (typeof error !== 'object' || error === null) return {};
  const { code, message } = error as { code?: unknown; message?: unknown };
  return {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof message === 'string' ? { message } : {}),
  };
}

function networkError(err: unknown, timedOut: boolean): RequestError {
  if (timedOut) return { kind: 'timeout', message: 'no complete answer within the timeout' };
  const e = err as { code?: unknown; cause?: { code?: unknown }; message?: unknown };
  const code =
    typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : undefined;
  return { kind: 'network', ...(code ? { code } : {}), message: String(e.message ?? err) };
}

async function call(ctx: SendContext, path: string, reqId: string, payload: CallBody): Promise<CallResult> {
  const headers: Record<string, string> = { 'x-request-id': reqId, accept: 'application/json' };
  let body: Buffer | string | FormData;
  if (payload.kind === 'image') {
    if (!payload.image.bytes) throw new Error(`image ${payload.image.name} has no bytes`);
    headers['content-type'] = payload.image.contentType;
    body = payload.image.bytes;
  } else if (payload.kind === 'json') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(payload.json);
  } else {
    body = payload.form;
  }
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, ctx.timeoutMs);
  const started = performance.now();
  try {
    const res = await request(new URL(path, ctx.baseUrl), {
      method: 'POST',
      headers,
      body,
      dispatcher: ctx.dispatcher,
      signal: controller.signal,
    });
    const contentType = String(res.headers['content-type'] ?? '');
    let parsed: unknown = null;
    if (contentType.includes('json')) {
      const text = await res.body.text();
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    } else {
      await res.body.arrayBuffer();
    }
    const latencyMs = performance.now() - started;
    const requestIdHeader = res.headers['x-request-id'];
    const result: CallResult = {
      status: res.statusCode,
      latencyMs,
      body: parsed,
      serverTimings: timingsFromBody(parsed) ?? parseServerTiming(res.headers['server-timing']),
      ...(typeof requestIdHeader === 'string' ? { serverRequestId: requestIdHeader } : {}),
    };
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const { code, message } = errorCodeFromBody(parsed);
      result.error = {
        kind: 'http',
        ...(code ? { code } : {}),
        message: message ?? `HTTP ${res.statusCode}`,
      };
    }
    return result;
  } catch (err) {
    return {
      status: null,
      latencyMs: performance.now() - started,
      body: null,
      serverTimings: null,
      error: networkError(err, timedOut),
    };
  } finally {
    clearTimeout(timer);
  }
}

function detectionsOf(body: unknown): unknown[] | null {
  if (typeof body !== 'object' || body === null) return null;
  const detections = (body as { detections?: unknown }).detections;
  return Array.isArray(detections) ? detections : null;
}

function prefixed(prefix: string, timings: Record<string, number> | null): Record<string, number> {
  return Object.fromEntries(Object.entries(timings ?? {}).map(([k, v]) => [`${prefix}.${k}`, v]));
}

export async function sendLoadRequest(
  ctx: SendContext,
  api: LoadApi,
  image: LoadImage,
  reqId: string,
  user: number,
): Promise<RequestRecord> {
  const startMs = performance.now() - ctx.runStartedAt;
  const base = { req_id: reqId, api, user, image: image.name, start_ms: startMs };
  const toRecord = (result: CallResult, extra: Partial<RequestRecord> = {}): RequestRecord => ({
    ...base,
    latency_ms: result.latencyMs,
    status: result.status,
    ok: result.error === undefined,
    server_timings: result.serverTimings,
    detections: detectionsOf(result.body)?.length ?? null,
    ...(result.serverRequestId ? { server_request_id: result.serverRequestId } : {}),
    ...(result.error ? { error: result.error } : {}),
    ...extra,
  });

  if (api === 'detect') return toRecord(await call(ctx, API_ROUTES.detect, reqId, { kind: 'image', image }));
  if (api === 'depth') return toRecord(await call(ctx, API_ROUTES.depth, reqId, { kind: 'image', image }));
  if (api === 'predict_json') {
    if (!image.cocoEntry) throw new Error(`image ${image.name} has no COCO id/url for predict_json`);
    const json = { req_id: reqId, ...image.cocoEntry };
    return toRecord(await call(ctx, API_ROUTES.predictJson, reqId, { kind: 'json', json }));
  }
  // flow: detect, then depth with the detected boxes, as the web UI does.
  const detect = await call(ctx, API_ROUTES.detect, `${reqId}-d`, { kind: 'image', image });
  const detections = detectionsOf(detect.body);
  if (detect.error || !detections) {
    return toRecord(detect, {
      detect_latency_ms: detect.latencyMs,
      server_timings: prefixed('detect', detect.serverTimings),
    });
  }
  const form = new FormData();
  form.set('image', new Blob([image.bytes!], { type: image.contentType }), image.name);
  form.set('boxes', JSON.stringify(detections));
  const depth = await call(ctx, API_ROUTES.depth, `${reqId}-z`, { kind: 'form', form });
  return toRecord(depth, {
    latency_ms: detect.latencyMs + depth.latencyMs,
    detections: detections.length,
    detect_latency_ms: detect.latencyMs,
    depth_latency_ms: depth.latencyMs,
    server_timings: {
      ...prefixed('detect', detect.serverTimings),
      ...prefixed('depth', depth.serverTimings),
    },
  });
}
