/**
 * Drives a load run: simulated users with think times (quiet / sustained / burst),
 * a closed loop of N workers with no think time (`--concurrency`), or an open loop
 * at a fixed arrival rate (`--rps`). Always bounded: no request starts after `limit`
 * requests or `durationSeconds`, and every request has a timeout.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent } from 'undici';
import type { LoadImage } from './image-source.ts';
import { createRandom, shuffled } from './random.ts';
import type { LoadApi, RequestRecord } from './request-record.ts';
import { type SendContext, sendLoadRequest } from './send-request.ts';
import { sampleThinkTimeMs, type TrafficMode } from './traffic-modes.ts';

export type LoadSchedule =
  | { kind: 'users'; mode: TrafficMode; users: number }
  | { kind: 'concurrency'; concurrency: number }
  | { kind: 'rps'; rps: number; maxInFlight: number };

export interface LoadPlan {
  baseUrl: string;
  api: LoadApi;
  schedule: LoadSchedule;
  limit: number;
  durationSeconds: number;
  timeoutMs: number;
  seed: number;
  images: readonly LoadImage[];
  /** Prefix of every `req_id` (default: a per-run random token). */
  runId?: string;
  onRecord?: (record: RequestRecord) => void;
  signal?: AbortSignal;
}

export interface LoadRun {
  runId: string;
  startedAt: Date;
  durationSeconds: number;
  records: RequestRecord[];
}

function maxConnections(schedule: LoadSchedule): number {
  if (schedule.kind === 'users') return schedule.users;
  if (schedule.kind === 'concurrency') return schedule.concurrency;
  return schedule.maxInFlight;
}

export async function runLoad(plan: LoadPlan): Promise<LoadRun> {
  if (plan.images.length === 0) throw new Error('no images to send');
  const random = createRandom(plan.seed);
  const order = shuffled(plan.images, random);
  const runId = plan.runId ?? `lg${Math.floor(random() * 0xffffff).toString(16)}`;
  const dispatcher = new Agent({ connections: maxConnections(plan.schedule), keepAliveTimeout: 10_000 });
  const startedAt = new Date();
  const runStartedAt = performance.now();
  const deadline = runStartedAt + plan.durationSeconds * 1000;
  const ctx: SendContext = { baseUrl: plan.baseUrl, dispatcher, timeoutMs: plan.timeoutMs, runStartedAt };
  const records: RequestRecord[] = [];
  let issued = 0;

  const canStart = () => issued < plan.limit && performance.now() < deadline && !plan.signal?.aborted;
  const sendNext = async (user: number) => {
    const seq = issued++;
    const image = order[seq % order.length]!;
    const reqId = `${runId}-${String(seq).padStart(6, '0')}`;
    const record = await sendLoadRequest(ctx, plan.api, image, reqId, user);
    records.push(record);
    plan.onRecord?.(record);
  };
  /**
   * Sleeps `ms`, or until the deadline when that comes first; false in that case. Timers can fire
   * a millisecond early, so the caller trusts this answer rather than re-reading the clock.
   */
  const pause = async (ms: number): Promise<boolean> => {
    const remaining = deadline - performance.now();
    await sleep(Math.max(0, Math.min(ms, remaining)));
    return ms < remaining;
  };

  try {
    const schedule = plan.schedule;
    if (schedule.kind === 'users' || schedule.kind === 'concurrency') {
      const workers = schedule.kind === 'users' ? schedule.users : schedule.concurrency;
      await Promise.all(
        Array.from({ length: workers }, async (_, user) => {
          // Users start staggered over one think time so they do not fire in lockstep.
          if (
            schedule.kind === 'users' &&
            user > 0 &&
            !(await pause(sampleThinkTimeMs(schedule.mode, random)))
          ) {
            return;
          }
          while (canStart()) {
            await sendNext(user);
            if (schedule.kind !== 'users' || !canStart()) continue;
            if (!(await pause(sampleThinkTimeMs(schedule.mode, random)))) return;
          }
        }),
      );
    } else {
      const intervalMs = 1000 / schedule.rps;
      const inFlight = new Set<Promise<void>>();
      while (canStart()) {
        const due = runStartedAt + issued * intervalMs;
        const wait = due - performance.now();
        if (wait > 0 && !(await pause(wait))) break;
        if (!canStart()) break;
        // Open loop: arrivals do not wait for answers, only for a free slot under the cap.
        while (inFlight.size >= schedule.maxInFlight) await Promise.race(inFlight);
        const p: Promise<void> = sendNext(0).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
      await Promise.all(inFlight);
    }
  } finally {
    await dispatcher.close();
  }
  records.sort((a, b) => a.start_ms - b.start_ms);
  return { runId, startedAt, durationSeconds: (performance.now() - runStartedAt) / 1000, records };
}
