/**
 * ONNX Runtime session settings compared side by side in the raw-inference step. The first
 * is the reference for the ratios and is derived from the environment the services get, and
 * raw sessions are built with service-kit's own `buildSessionOptions`, so the comparison is
 * like for like.
 */
import os from 'node:os';
import type { GraphOptimizationLevel, SessionConfig } from './raw-inference.ts';

const cores = os.availableParallelism();

/** What the services run with unless `--service-env` overrides it. */
export const DEFAULT_SERVICE_ENV: Readonly<Record<string, string>> = Object.freeze({
  ORT_INTRA_OP_THREADS: String(cores),
  ORT_INTER_OP_THREADS: '1',
  ORT_GRAPH_OPT_LEVEL: 'all',
  LOG_LEVEL: 'warn',
});

function label(threads: number, level: GraphOptimizationLevel): string {
  return `intra-op ${threads} thread${threads === 1 ? '' : 's'}, graph opt ${level}`;
}

export function sessionConfigsFor(serviceEnv: Record<string, string>): SessionConfig[] {
  const intra = Number(serviceEnv.ORT_INTRA_OP_THREADS ?? 0) || cores;
  const level = (serviceEnv.ORT_GRAPH_OPT_LEVEL ?? 'all') as GraphOptimizationLevel;
  const candidates: [number, GraphOptimizationLevel][] = [
    [intra, level],
    [cores, 'all'],
    [1, 'all'],
    [cores, 'basic'],
    [cores, 'disabled'],
  ];
  const seen = new Set<string>();
  const configs: SessionConfig[] = [];
  for (const [threads, graph] of candidates) {
    const key = `${threads}/${graph}`;
    if (seen.has(key)) continue;
    seen.add(key);
    configs.push({ label: label(threads, graph), intraOpNumThreads: threads, graphOptimizationLevel: graph });
  }
  return configs;
}
