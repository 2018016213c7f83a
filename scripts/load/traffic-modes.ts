/**
 * Think times of the simulated users, taken from the YOLO-on-Fargate load simulator
 * this project succeeds: each user sends a request, waits for the answer, then
 * sleeps a uniformly random time in the mode's range before the next one.
 */
import { type Random, uniformBetween } from './random.ts';

export const TRAFFIC_MODES = Object.freeze({
  quiet: { minSeconds: 2.0, maxSeconds: 6.0 },
  sustained: { minSeconds: 0.2, maxSeconds: 0.5 },
  burst: { minSeconds: 0.02, maxSeconds: 0.12 },
} as const);

export type TrafficMode = keyof typeof TRAFFIC_MODES;

export const TRAFFIC_MODE_NAMES = Object.freeze(Object.keys(TRAFFIC_MODES) as TrafficMode[]);

export function isTrafficMode(value: string): value is TrafficMode {
  return Object.hasOwn(TRAFFIC_MODES, value);
}

export function sampleThinkTimeMs(mode: TrafficMode, random: Random): number {
  const { minSeconds, maxSeconds } = TRAFFIC_MODES[mode];
  return uniformBetween(random, minSeconds, maxSeconds) * 1000;
}
