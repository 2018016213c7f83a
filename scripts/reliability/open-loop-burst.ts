/**
 * Open-loop arrivals: request `seq` starts at `seq / rps` seconds whether or not earlier ones were
 * answered (a late timer sends at once, so the mean rate holds). Bounded: at most `maxRequests`,
 * none after `durationSeconds`, at most `maxInFlight` open at a time (each time that cap delays
 * an arrival it is counted, since the loop is then no longer open).
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface OpenLoopPlan<T> {
  rps: number;
  durationSeconds: number;
  maxRequests: number;
  maxInFlight: number;
  send: (seq: number) => Promise<T>;
}

export interface OpenLoopRun<T> {
  outcomes: T[];
  /** From the first arrival to the last answer. */
  wallSeconds: number;
  /** From the first to the last arrival. */
  arrivalSeconds: number;
  /** Arrivals the in-flight cap delayed. */
  delayedByCap: number;
  maxInFlightSeen: number;
}

export async function runOpenLoop<T>(plan: OpenLoopPlan<T>): Promise<OpenLoopRun<T>> {
  const intervalMs = 1000 / plan.rps;
  const started = performance.now();
  const deadline = started + plan.durationSeconds * 1000;
  const outcomes: T[] = [];
  const inFlight = new Set<Promise<void>>();
  let delayedByCap = 0;
  let maxInFlightSeen = 0;
  let lastArrival = started;
  for (let seq = 0; seq < plan.maxRequests; seq++) {
    const due = started + seq * intervalMs;
    if (due >= deadline) break;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    if (inFlight.size >= plan.maxInFlight) {
      delayedByCap++;
      while (inFlight.size >= plan.maxInFlight) await Promise.race(inFlight);
    }
    lastArrival = performance.now();
    const p: Promise<void> = plan.send(seq).then((outcome) => {
      outcomes.push(outcome);
      inFlight.delete(p);
    });
    inFlight.add(p);
    maxInFlightSeen = Math.max(maxInFlightSeen, inFlight.size);
  }
  await Promise.all(inFlight);
  return {
    outcomes,
    wallSeconds: (performance.now() - started) / 1000,
    arrivalSeconds: (lastArrival - started) / 1000,
    delayedByCap,
    maxInFlightSeen,
  };
}
