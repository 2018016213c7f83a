/**
 * ONNX Runtime session settings compared side by side in the raw-inference step. The first
 * is the reference for the ratios and must match what the services run with (SERVICE_ENV is
 * passed to them).
 */
import os from 'node:os';
import type { SessionConfig } from './raw-inference.ts';

const cores = os.availableParallelism();

export const SERVICE_ENV: Record<string, string> = {};

export const BENCH_SESSION_CONFIGS: readonly SessionConfig[] = Object.freeze([
  {
    label: `intra-op ${cores} threads, graph opt all`,
    intraOpNumThreads: cores,
    graphOptimizationLevel: 'all',
  },
  { label: 'intra-op 1 thread, graph opt all', intraOpNumThreads: 1, graphOptimizationLevel: 'all' },
  {
    label: `intra-op ${cores} threads, graph opt basic`,
    intraOpNumThreads: cores,
    graphOptimizationLevel: 'basic',
  },
  {
    label: `intra-op ${cores} threads, graph opt disabled`,
    intraOpNumThreads: cores,
    graphOptimizationLevel: 'disabled',
  },
]);
