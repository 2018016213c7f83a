/** The overload figures as a plain-text table (CLI) and as JSON (artifacts/reliability-overload.json). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ARTIFACTS_DIR } from '@mlip/catalogue';
import { checkOverload, type OverloadReport, type OverloadResult } from './overload.ts';

export const OVERLOAD_REPORT_PATH = join(ARTIFACTS_DIR, 'reliability-overload.json');

export function writeOverloadReport(report: OverloadReport, path = OVERLOAD_REPORT_PATH): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}

const ms = (v: number | undefined | null) => (v === undefined || v === null ? '-' : `${Math.round(v)}`);
const mib = (v: number | null) => (v === null ? '-' : v.toFixed(0));

function memoryCell(result: OverloadResult): string {
  return result.memory
    .map(
      (m) =>
        `${result.memory.length > 1 ? `${m.service} ` : ''}${mib(m.beforeMiB)}/${mib(m.peakMiB)}/${mib(m.afterMiB)}`,
    )
    .join(', ');
}

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** One row per target, then each target's checks. */
export function renderOverloadTable(report: OverloadReport): string {
  const header = [
    'target',
    'saturation req/s',
    'burst req/s',
    'sent',
    'ok',
    'shed (503)',
    'failed',
    'accepted p50 ms',
    'accepted p99 ms',
    'bound ms',
    'readyz max ms',
    'RSS MiB before/peak/after',
  ];
  const rows = report.targets.map((t) => [
    t.target,
    t.saturation.rps.toFixed(2),
    t.burst.rps.toFixed(1),
    String(t.burst.sent),
    String(t.burst.ok),
    String(t.burst.shed),
    String(t.burst.failed),
    ms(t.acceptedLatencyMs?.p50),
    ms(t.acceptedLatencyMs?.p99),
    ms(t.bound.boundMs),
    t.readinessDuringBurst.map((r) => ms(r.maxMs)).join(' / '),
    memoryCell(t),
  ]);
  const lines = [pad([header, ...rows]), ''];
  lines.push(
    `bound = ${report.targets[0]?.bound.formula ?? ''}, S = p99 of the slot time the service reports (flow: sum of both)`,
  );
  for (const [service, env] of Object.entries(report.serviceEnv)) {
    lines.push(
      `${service}: ${Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
    );
  }
  for (const t of report.targets) {
    const times = t.serviceTimes.map((s) => `${s.service} S=${ms(s.p99Ms)} ms`).join(', ');
    lines.push(`${t.target} (${times}):`);
    for (const c of checkOverload(t)) lines.push(`  ${c.pass ? 'PASS' : 'FAIL'}  ${c.check}: ${c.detail}`);
  }
  return lines.join('\n');
}
