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

export interface ReadinessSample {
  probes: number;
  /** Answers by label: `200`, `503 not-ready`, `network ECONNREFUSED`, `timeout`. */
  answers: Record<string, number>;
  p50Ms: number | null;
  maxMs: number | null;
}

/**
 * Health-check probes every `intervalMs` until stopped (a new connection each, `timeoutMs` each),
 * to see whether a service under load still looks healthy to its load balancer.
 */
export function sampleReadiness(options: { url: string; intervalMs?: number; timeoutMs: number }): {
  stop(): Promise<ReadinessSample>;
} {
  const answers: Record<string, number> = {};
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const dispatcher = new Agent({ connections: 1, pipelining: 0 });
      const call = await callHttp(options.url, { dispatcher, timeoutMs: options.timeoutMs });
      await dispatcher.close();
      const state = (call.json as { status?: unknown } | null)?.status;
      const label = call.networkError
        ? call.networkError === 'timeout'
          ? 'timeout'
          : `network ${call.networkError}`
        : call.status === 200
          ? '200'
          : `${call.status} ${typeof state === 'string' ? state : ''}`.trim();
      answers[label] = (answers[label] ?? 0) + 1;
      latencies.push(call.latencyMs);
      await sleep(options.intervalMs ?? 500);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      const sorted = [...latencies].sort((a, b) => a - b);
      return {
        probes: sorted.length,
        answers,
        p50Ms: sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : null,
        maxMs: sorted.length ? sorted[sorted.length - 1]! : null,
      };
    },
  };
}
