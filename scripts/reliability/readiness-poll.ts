/**
 * Polls a readiness URL as a load balancer's health check does (a fresh connection each time),
 * recording every answer, until the connection is refused (the process is gone) or `untilMs`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent } from 'undici';
import { callHttp } from './http-call.ts';

export interface ReadinessAnswer {
  startedMs: number;
  endedMs: number;
  status: number | null;
  /** `status` field of the JSON body (`ready`, `shutting-down`, `not-ready`). */
  state: string | null;
  networkError: string | null;
}

export async function pollReadiness(options: {
  url: string;
  epoch: number;
  intervalMs?: number;
  untilMs: number;
}): Promise<ReadinessAnswer[]> {
  const answers: ReadinessAnswer[] = [];
  while (true) {
    // No keep-alive: each poll is a new connection, like an ALB health check.
    const dispatcher = new Agent({ connections: 1, pipelining: 0 });
    const call = await callHttp(options.url, { dispatcher, timeoutMs: 5_000 });
    await dispatcher.close();
    const state = (call.json as { status?: unknown } | null)?.status;
    const answer: ReadinessAnswer = {
      startedMs: call.startedAt - options.epoch,
      endedMs: call.startedAt + call.latencyMs - options.epoch,
      status: call.status,
      state: typeof state === 'string' ? state : null,
      networkError: call.networkError,
    };
    answers.push(answer);
    if (answer.networkError === 'ECONNREFUSED' || answer.endedMs >= options.untilMs) return answers;
    await sleep(options.intervalMs ?? 10);
  }
}
