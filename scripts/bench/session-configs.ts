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

function label(threads: number, level: GraphOptimizationLevel, spinning: boolean): string {
  return `intra-op ${threads} thread${threads === 1 ? '' : 's'}, graph opt ${level}${spinning ? ', spinning' : ''}`;
}

/** The reference (first) follows ORT_INTRA_OP_THREADS, ORT_GRAPH_OPT_LEVEL and ORT_ALLOW_SPINNING. */
export function sessionConfigsFor(serviceEnv: Record<string, string>): SessionConfig[] {
  const intra = Number(serviceEnv.ORT_INTRA_OP_THREADS ?? 0) || cores;
  const level = (serviceEnv.ORT_GRAPH_OPT_LEVEL ?? 'all') as GraphOptimizationLevel;
  const spinning = serviceEnv.ORT_ALLOW_SPINNING === '1';
  const candidates: [number, GraphOptimizationLevel, boolean][] = [
    [intra, level, spinning],
    [cores, 'all', false],
    [1, 'all', false],
    [cores, 'basic', false],
    [cores, 'disabled', false],
  ];
  const seen = new Set<string>();
  const configs: SessionConfig[] = [];
  for (const [threads, graph, spin] of candidates) {
    const key = `${threads}/${graph}/${spin}`;
    if (seen.has(key)) continue;
    seen.add(key);
    configs.push({
      label: label(threads, graph, spin),
      intraOpNumThreads: threads,
      graphOptimizationLevel: graph,
      allowSpinning: spin,
    });
  }
  return configs;
}
