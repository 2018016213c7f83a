/**
 * The corpus run as a report: one row per case with expected and actual status/code for each API
 * (over all passes), the totals and the memory figures; printed as a table and written as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ApiName } from './corpus-cases.ts';
import { API_NAMES, type CorpusRun, RSS_HEADROOM_BYTES, WARM_UP_PASSES } from './run-corpus.ts';

export interface ApiOutcome {
  expected: string;
  /** Actual status and code; `a | b` when passes disagreed. */
  actual: string;
  /** Slowest answer over the passes. */
  maxMs: number;
  /** Passes that failed a check. */
  failures: number;
  problems: string[];
}

export interface CaseRow {
  case: string;
  group: string;
  outcomes: Record<ApiName, ApiOutcome>;
}

const mib = (bytes: number) => Math.round((bytes / (1024 * 1024)) * 10) / 10;

const label = (status: number | null, code: string | null) =>
  status === null ? 'no answer' : code ? `${status} ${code}` : String(status);

export function caseRows(run: CorpusRun): CaseRow[] {
  const rows = new Map<string, CaseRow>();
  for (const r of run.results) {
    let row = rows.get(r.case);
    if (!row) {
      row = { case: r.case, group: r.group, outcomes: {} as Record<ApiName, ApiOutcome> };
      rows.set(r.case, row);
    }
    const actual = label(r.status, r.code);
    const outcome = row.outcomes[r.api];
    if (!outcome) {
      row.outcomes[r.api] = {
        expected: label(r.expected.status, r.expected.code),
        actual,
        maxMs: r.ms,
        failures: r.problems.length > 0 ? 1 : 0,
        problems: [...r.problems],
      };
      continue;
    }
    if (!outcome.actual.split(' | ').includes(actual)) outcome.actual += ` | ${actual}`;
    outcome.maxMs = Math.max(outcome.maxMs, r.ms);
    if (r.problems.length > 0) {
      outcome.failures += 1;
      for (const p of r.problems) if (!outcome.problems.includes(p)) outcome.problems.push(p);
    }
  }
  return [...rows.values()];
}

export function formatTable(rows: CaseRow[]): string {
  const header = ['case', 'detect', 'ms', 'depth', 'ms', 'result'];
  const lines = rows.map((row) => {
    const d = row.outcomes.detect;
    const p = row.outcomes.depth;
    const failures = (d?.failures ?? 0) + (p?.failures ?? 0);
    return [
      row.case,
      d?.actual ?? '-',
      String(d?.maxMs ?? '-'),
      p?.actual ?? '-',
      String(p?.maxMs ?? '-'),
      failures === 0 ? 'ok' : `FAIL (${[...(d?.problems ?? []), ...(p?.problems ?? [])].join('; ')})`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...lines.map(fmt)].join('\n');
}

export function formatTotals(run: CorpusRun): string {
  const lines = [
    `cases ${run.cases}, passes ${run.passes}, requests ${run.requests}, passed ${run.passed}, failed ${run.failed}, ${(run.durationMs / 1000).toFixed(1)} s`,
  ];
  for (const api of API_NAMES) {
    const m = run.memory[api];
    const h = run.healthAfter[api];
    lines.push(
      `${api}: RSS at start ${mib(m.startRss)} MiB, warm baseline ${mib(m.baselineRss)} MiB, after each pass ${m.afterPassRss.map(mib).join(' / ')} MiB, ` +
        `final ${mib(m.finalRss)} MiB (bound ${mib(m.boundRss)} MiB); readyz ${h.readyStatus}, valid photo ${h.validStatus}`,
    );
  }
  return lines.join('\n');
}

export interface ReportMeta {
  command: string;
  yoloModel: string;
  depthModel: string;
  limits: Record<string, number>;
}

export function corpusReportJson(run: CorpusRun, meta: ReportMeta) {
  const memory = Object.fromEntries(
    API_NAMES.map((api) => {
      const m = run.memory[api];
      return [
        api,
        {
          startRssMiB: mib(m.startRss),
          baselineRssMiB: mib(m.baselineRss),
          afterPassRssMiB: m.afterPassRss.map(mib),
          finalRssMiB: mib(m.finalRss),
          boundRssMiB: mib(m.boundRss),
          withinBound: m.finalRss <= m.boundRss && m.afterPassRss.every((v) => v <= m.boundRss),
        },
      ];
    }),
  );
  return {
    generatedAt: new Date().toISOString(),
    ...meta,
    memoryBound: `RSS <= warm baseline (after one valid photo per API and ${WARM_UP_PASSES} pass(es) of the corpus) + ${mib(RSS_HEADROOM_BYTES)} MiB`,
    totals: {
      cases: run.cases,
      passes: run.passes,
      requests: run.requests,
      passed: run.passed,
      failed: run.failed,
      durationMs: run.durationMs,
    },
    memory,
    healthAfter: run.healthAfter,
    rows: caseRows(run),
    failures: run.results.filter((r) => r.problems.length > 0),
  };
}

export function writeCorpusReport(file: string, run: CorpusRun, meta: ReportMeta): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(corpusReportJson(run, meta), null, 2)}\n`);
}
