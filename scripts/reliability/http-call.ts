/**
 * One HTTP call for the reliability runs, with everything the checks look at: status, the JSON
 * error code, `Retry-After`, the parsed JSON body, and on failure the connection-level error
 * code (`ECONNREFUSED`, `ECONNRESET`, `UND_ERR_SOCKET`...) or a timeout. Never throws.
 */
import { performance } from 'node:perf_hooks';
import { type Dispatcher, FormData, request } from 'undici';

export type CallBody =
  | { kind: 'none' }
  | { kind: 'raw'; bytes: Buffer; contentType: string }
  | {
      kind: 'form';
      fields: Record<string, string>;
      image: { bytes: Buffer; contentType: string; name: string };
    };

export interface CallResult {
  /** performance.now() when the request was started. */
  startedAt: number;
  latencyMs: number;
  /** null when no HTTP answer came (network error or timeout). */
  status: number | null;
  /** `error.code` of a JSON error body. */
  code: string | null;
  retryAfter: string | null;
  contentType: string | null;
  json: unknown;
  /** Set when no complete answer came: `timeout`, or the errno / undici code. */
  networkError: string | null;
  /** `error.message` of a JSON error body, or the network error's message. */
  message: string | null;
}

export interface CallOptions {
  method?: 'GET' | 'POST';
  body?: CallBody;
  dispatcher: Dispatcher;
  timeoutMs: number;
  headers?: Record<string, string>;
}

function errorCode(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown }; name?: unknown; message?: unknown };
  if (typeof e.cause?.code === 'string') return e.cause.code;
  if (typeof e.code === 'string') return e.code;
  return String(e.name ?? e.message ?? err);
}

function jsonError(json: unknown): { code: string | null; message: string | null } {
  if (typeof json !== 'object' || json === null || !('error' in json)) return { code: null, message: null };
  const { code, message } = (json as { error?: { code?: unknown; message?: unknown } }).error ?? {};
  return {
    code: typeof code === 'string' ? code : null,
    message: typeof message === 'string' ? message : null,
  };
}

function encodeBody(body: CallBody): { payload?: Buffer | FormData; contentType?: string } {
  if (body.kind === 'none') return {};
  if (body.kind === 'raw') return { payload: body.bytes, contentType: body.contentType };
  const form = new FormData();
  form.set('image', new Blob([body.image.bytes], { type: body.image.contentType }), body.image.name);
  for (const [key, value] of Object.entries(body.fields)) form.set(key, value);
  return { payload: form };
}

export async function callHttp(url: string, options: CallOptions): Promise<CallResult> {
  const { payload, contentType } = encodeBody(options.body ?? { kind: 'none' });
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (contentType) headers['content-type'] = contentType;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const startedAt = performance.now();
  const base = { startedAt, code: null, retryAfter: null, contentType: null, json: null, message: null };
  try {
    const res = await request(url, {
      method: options.method ?? (payload ? 'POST' : 'GET'),
      headers,
      body: payload,
      dispatcher: options.dispatcher,
      signal: controller.signal,
    });
    const type = typeof res.headers['content-type'] === 'string' ? res.headers['content-type'] : null;
    let json: unknown = null;
    if (type?.includes('json')) {
      const text = await res.body.text();
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
    } else {
      await res.body.arrayBuffer();
    }
    const retryAfter = res.headers['retry-after'];
    return {
      ...base,
      latencyMs: performance.now() - startedAt,
      status: res.statusCode,
      ...jsonError(json),
      retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
      contentType: type,
      json,
      networkError: null,
    };
  } catch (err) {
    return {
      ...base,
      latencyMs: performance.now() - startedAt,
      status: null,
      networkError: timedOut ? 'timeout' : errorCode(err),
      message: String((err as { message?: unknown }).message ?? err),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Short label of an answer for tallies: `200`, `503 OVERLOADED`, `network ECONNRESET`, `timeout`. */
export function describeCall(call: CallResult): string {
  if (call.networkError === 'timeout') return 'timeout';
  if (call.networkError) return `network ${call.networkError}`;
  return call.code ? `${call.status} ${call.code}` : String(call.status);
}
