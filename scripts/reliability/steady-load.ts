/**
 * Steady load for the fault tests: a few closed-loop clients, each sending the next request as soon
 * as the previous one is answered, recording every answer with its start and end time (relative to
 * the run's epoch) so a test can line answers up with a signal, a kill or a restart.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent } from 'undici';
import { type CallBody, type CallResult, callHttp, describeCall } from './http-call.ts';

export interface SteadyAnswer {
  client: number;
  /** ms since the run's epoch. */
  startedMs: number;
  endedMs: number;
  status: number | null;
  code: string | null;
  retryAfter: string | null;
  networkError: string | null;
  /** `200`, `503 SHUTTING_DOWN`, `network ECONNREFUSED`... */
  label: string;
  /** The service's `timings.totalMs` of a 200. */
  serverMs: number | null;
}

export interface SteadyLoadOptions {
  url: string;
  body: CallBody;
  clients: number;
  /** performance.now() that the answer times are relative to. */
  epoch: number;
  timeoutMs?: number;
  /** After a 503 with Retry-After, wait that long before the next request (a well-behaved client). */
  honourRetryAfter?: boolean;
  /** Pause after any other non-200 answer. @default 50 */
  pauseAfterErrorMs?: number;
  /** A client stops once its connection is refused (the listener is gone). @default false */
  stopWhenRefused?: boolean;
}

export interface SteadyLoad {
  readonly answers: readonly SteadyAnswer[];
  /** Lets the clients finish their current request, then resolves. */
  stop(): Promise<void>;
  /** Resolves once every client has stopped by itself (stopWhenRefused). */
  readonly finished: Promise<void>;
}

function toAnswer(client: number, call: CallResult, epoch: number): SteadyAnswer {
  const total = (call.json as { timings?: { totalMs?: unknown } } | null)?.timings?.totalMs;
  return {
    client,
    startedMs: call.startedAt - epoch,
    endedMs: call.startedAt + call.latencyMs - epoch,
    status: call.status,
    code: call.code,
    retryAfter: call.retryAfter,
    networkError: call.networkError,
    label: describeCall(call),
    serverMs: call.status === 200 && typeof total === 'number' ? total : null,
  };
}

export function startSteadyLoad(options: SteadyLoadOptions): SteadyLoad {
  const dispatcher = new Agent({ connections: options.clients * 2, keepAliveTimeout: 10_000 });
  const answers: SteadyAnswer[] = [];
  const stopping = new AbortController();
  const clients = Array.from({ length: options.clients }, async (_, client) => {
    while (!stopping.signal.aborted) {
      const call = await callHttp(options.url, {
        body: options.body,
        dispatcher,
        timeoutMs: options.timeoutMs ?? 60_000,
      });
      const answer = toAnswer(client, call, options.epoch);
      answers.push(answer);
      if (answer.networkError === 'ECONNREFUSED' && options.stopWhenRefused) return;
      let pauseMs = 0;
      if (answer.status === 503 && answer.retryAfter && options.honourRetryAfter) {
        pauseMs = Number(answer.retryAfter) * 1000;
      } else if (answer.status !== 200) {
        pauseMs = options.pauseAfterErrorMs ?? 50;
      }
      if (pauseMs > 0) await sleep(pauseMs, undefined, { signal: stopping.signal }).catch(() => {});
    }
  });
  const finished = Promise.all(clients).then(() => {});
  let stopped: Promise<void> | undefined;
  return {
    answers,
    finished,
    stop() {
      stopping.abort();
      stopped ??= finished.then(() => dispatcher.close());
      return stopped;
    },
  };
}

/** Counts of answers by label. */
export function tallyAnswers(answers: readonly SteadyAnswer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) counts[a.label] = (counts[a.label] ?? 0) + 1;
  return counts;
}

export function nowMs(epoch: number): number {
  return performance.now() - epoch;
}
