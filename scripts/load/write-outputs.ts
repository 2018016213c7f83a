/** Writes a load run to disk: requests.jsonl, optional requests.csv, summary.json, report.html. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ReportMeta, renderHtmlReport } from './html-report.ts';
import type { LoadSummary } from './latency-stats.ts';
import type { RequestRecord } from './request-record.ts';

export interface WrittenFiles {
  jsonl: string;
  csv: string | null;
  summary: string;
  html: string;
}

export const CSV_COLUMNS = [
  'req_id',
  'api',
  'user',
  'image',
  'start_ms',
  'latency_ms',
  'status',
  'ok',
  'detections',
  'error_kind',
  'error_code',
  'server_timings',
] as const;

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text =
    typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function recordsToCsv(records: readonly RequestRecord[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of records) {
    lines.push(
      [
        r.req_id,
        r.api,
        r.user,
        r.image,
        r.start_ms.toFixed(1),
        r.latency_ms.toFixed(2),
        r.status,
        r.ok,
        r.detections,
        r.error?.kind,
        r.error?.code,
        r.server_timings,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function writeLoadOutputs(opts: {
  outDir: string;
  records: readonly RequestRecord[];
  summary: LoadSummary;
  meta: ReportMeta;
  csv: boolean;
}): WrittenFiles {
  mkdirSync(opts.outDir, { recursive: true });
  const files: WrittenFiles = {
    jsonl: join(opts.outDir, 'requests.jsonl'),
    csv: opts.csv ? join(opts.outDir, 'requests.csv') : null,
    summary: join(opts.outDir, 'summary.json'),
    html: join(opts.outDir, 'report.html'),
  };
  writeFileSync(
    files.jsonl,
    opts.records.map((r) => JSON.stringify(r)).join('\n') + (opts.records.length ? '\n' : ''),
  );
  if (files.csv) writeFileSync(files.csv, recordsToCsv(opts.records));
  writeFileSync(
    files.summary,
    `${JSON.stringify({ settings: opts.meta.settings, ...opts.summary }, null, 2)}\n`,
  );
  writeFileSync(files.html, renderHtmlReport(opts.meta, opts.summary, opts.records));
  return files;
}
