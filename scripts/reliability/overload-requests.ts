/**
 * The three requests an overload burst sends through the gateway: detect (yolo-api), depth
 * (depth-api), and the web UI's flow (detect, then depth with the detected boxes), each turned
 * into one outcome: ok (200 with a well-formed answer), shed (503 OVERLOADED with Retry-After),
 * or failed (anything else: another status, a 503 without Retry-After, a reset, a timeout).
 */
import type { Dispatcher } from 'undici';
import { API_ROUTES } from '../load/api-routes.ts';
import type { LoadImage } from '../load/image-source.ts';
import { type CallResult, callHttp, describeCall } from './http-call.ts';

export type OverloadTarget = 'yolo-api' | 'depth-api' | 'flow';

export const OVERLOAD_TARGETS: readonly OverloadTarget[] = Object.freeze(['yolo-api', 'depth-api', 'flow']);

export interface OverloadOutcome {
  kind: 'ok' | 'shed' | 'failed';
  /** `200`, `503 OVERLOADED`, `network ECONNRESET`, `timeout`...; in the flow prefixed `detect` / `depth`. */
  label: string;
  /** What the failure said (the JSON error message or the network error), failed outcomes only. */
  detail?: string;
  latencyMs: number;
  /**
   * Time the request held its inference slot, as the service reports it (`timings.totalMs`),
   * per service; ok answers only.
   */
  serverMs: { detect?: number; depth?: number };
}

export interface SendContext {
  baseUrl: string;
  dispatcher: Dispatcher;
  timeoutMs: number;
}

interface Timings {
  timings?: { totalMs?: unknown };
}

function serverTotalMs(json: unknown): number | undefined {
  const total = (json as Timings | null)?.timings?.totalMs;
  return typeof total === 'number' ? total : undefined;
}

function detectionsOf(json: unknown): unknown[] | null {
  const detections = (json as { detections?: unknown } | null)?.detections;
  return Array.isArray(detections) ? detections : null;
}

function isDepthAnswer(json: unknown, objects?: number): boolean {
  const body = json as { depthMap?: { base64?: unknown }; objects?: unknown } | null;
  if (typeof body?.depthMap?.base64 !== 'string' || body.depthMap.base64.length === 0) return false;
  return objects === undefined || (Array.isArray(body.objects) && body.objects.length === objects);
}

/** ok / shed / failed, with the label the tallies use. */
export function classifyAnswer(
  call: CallResult,
  wellFormed: (json: unknown) => boolean,
): Pick<OverloadOutcome, 'kind' | 'label' | 'detail'> {
  const label = describeCall(call);
  const detail = call.message ?? undefined;
  if (call.status === 200) {
    return wellFormed(call.json) ? { kind: 'ok', label } : { kind: 'failed', label: '200 malformed body' };
  }
  if (call.status === 503 && call.code === 'OVERLOADED') {
    return call.retryAfter
      ? { kind: 'shed', label }
      : { kind: 'failed', label: `${label} without Retry-After`, detail };
  }
  return { kind: 'failed', label, detail };
}

function imageBody(image: LoadImage) {
  return { kind: 'raw' as const, bytes: image.bytes!, contentType: image.contentType };
}

async function sendDetect(ctx: SendContext, image: LoadImage, reqId: string) {
  return callHttp(new URL(API_ROUTES.detect, ctx.baseUrl).href, {
    body: imageBody(image),
    dispatcher: ctx.dispatcher,
    timeoutMs: ctx.timeoutMs,
    headers: { 'x-request-id': reqId },
  });
}

export async function sendOverloadRequest(
  ctx: SendContext,
  target: OverloadTarget,
  image: LoadImage,
  reqId: string,
): Promise<OverloadOutcome> {
  if (target === 'yolo-api') {
    const call = await sendDetect(ctx, image, reqId);
    const verdict = classifyAnswer(call, (json) => detectionsOf(json) !== null);
    const ms = verdict.kind === 'ok' ? serverTotalMs(call.json) : undefined;
    return { ...verdict, latencyMs: call.latencyMs, serverMs: ms === undefined ? {} : { detect: ms } };
  }
  if (target === 'depth-api') {
    const call = await callHttp(new URL(API_ROUTES.depth, ctx.baseUrl).href, {
      body: imageBody(image),
      dispatcher: ctx.dispatcher,
      timeoutMs: ctx.timeoutMs,
      headers: { 'x-request-id': reqId },
    });
    const verdict = classifyAnswer(call, (json) => isDepthAnswer(json));
    const ms = verdict.kind === 'ok' ? serverTotalMs(call.json) : undefined;
    return { ...verdict, latencyMs: call.latencyMs, serverMs: ms === undefined ? {} : { depth: ms } };
  }
  // The web UI's flow: detect, then depth as multipart with the image and the detections as boxes.
  const detect = await sendDetect(ctx, image, `${reqId}-d`);
  const first = classifyAnswer(detect, (json) => detectionsOf(json) !== null);
  if (first.kind !== 'ok')
    return { ...first, label: `detect ${first.label}`, latencyMs: detect.latencyMs, serverMs: {} };
  const detections = detectionsOf(detect.json)!;
  const depth = await callHttp(new URL(API_ROUTES.depth, ctx.baseUrl).href, {
    body: {
      kind: 'form',
      image: { bytes: image.bytes!, contentType: image.contentType, name: image.name },
      fields: { boxes: JSON.stringify(detections) },
    },
    dispatcher: ctx.dispatcher,
    timeoutMs: ctx.timeoutMs,
    headers: { 'x-request-id': `${reqId}-z` },
  });
  const second = classifyAnswer(depth, (json) => isDepthAnswer(json, detections.length));
  const detectMs = serverTotalMs(detect.json);
  const depthMs = second.kind === 'ok' ? serverTotalMs(depth.json) : undefined;
  return {
    ...second,
    label: `depth ${second.label}`,
    latencyMs: detect.latencyMs + depth.latencyMs,
    serverMs: {
      ...(detectMs === undefined ? {} : { detect: detectMs }),
      ...(depthMs === undefined ? {} : { depth: depthMs }),
    },
  };
}
