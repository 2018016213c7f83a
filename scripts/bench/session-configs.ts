/**
 * ONNX Runtime session settings compared side by side in the raw-inference step. The first
 * is the reference for the ratios; SERVICE_ENV pins the services to exactly that setting, and
 * raw sessions are built with service-kit's own `buildSessionOptions`, so the comparison is
 * like for like.
 */
import os from 'node:os';
import type { SessionConfig } from './raw-inference.ts';

const cores = os.availableParallelism();

export const SERVICE_ENV: Record<string, string> = {
  ORT_INTRA_OP_THREADS: String(cores),
  ORT_INTER_OP_THREADS: '1',
  ORT_GRAPH_OPT_LEVEL: 'all',
  LOG_LEVEL: 'warn',
};

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
