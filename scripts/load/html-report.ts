/** The self-contained HTML report of a load run: summary table, latency over time, histogram. */
import type { LoadSummary } from './latency-stats.ts';
import { computeLatencyStats } from './latency-stats.ts';
import type { RequestRecord } from './request-record.ts';
import { escapeXml, renderHistogramSvg, renderScatterSvg } from './svg-charts.ts';

export interface ReportMeta {
  title: string;
  /** Settings shown above the table (url, api, mode...). */
  settings: Record<string, string | number>;
}

/** p50 over a sliding window of the successful requests, for the line over the scatter. */
function rollingP50(records: readonly RequestRecord[], window: number): { x: number; y: number }[] {
  const ok = records.filter((r) => r.ok);
  const out: { x: number; y: number }[] = [];
  const step = Math.max(1, Math.floor(ok.length / 200));
  for (let i = window - 1; i < ok.length; i += step) {
    const stats = computeLatencyStats(ok.slice(i - window + 1, i + 1).map((r) => r.latency_ms));
    if (stats) out.push({ x: ok[i]!.start_ms / 1000, y: stats.p50 });
  }
  return out;
}

function row(cells: (string | number)[], header = false): string {
  const tag = header ? 'th' : 'td';
  return `<tr>${cells.map((c) => `<${tag}>${escapeXml(String(c))}</${tag}>`).join('')}</tr>`;
}

export function renderHtmlReport(
  meta: ReportMeta,
  summary: LoadSummary,
  records: readonly RequestRecord[],
): string {
  const f = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(1));
  const lat = summary.latencyMs;
  const summaryRows = [
    row(['requests', summary.requests]),
    row(['ok / failed', `${summary.ok} / ${summary.failed}`]),
    row(['duration (s)', summary.durationSeconds.toFixed(1)]),
    row([
      'throughput (req/s)',
      `${summary.throughputRps.toFixed(2)} (ok ${summary.okThroughputRps.toFixed(2)})`,
    ]),
    ...(['p50', 'p90', 'p95', 'p99', 'mean', 'max'] as const).map((k) =>
      row([`latency ${k} (ms, ok)`, f(lat?.[k])]),
    ),
    ...Object.entries(summary.serverTimingsMs).map(([k, v]) => row([`server ${k} (mean)`, f(v)])),
  ].join('');
  const errorRows = Object.entries(summary.errorsByKind)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => row([k, n]))
    .join('');
  const settingsRows = Object.entries(meta.settings)
    .map(([k, v]) => row([k, v]))
    .join('');
  const ok = records.filter((r) => r.ok).map((r) => r.latency_ms);
  const scatter = renderScatterSvg({
    title: 'Latency over time',
    points: records.map((r) => ({ x: r.start_ms / 1000, y: r.latency_ms, ok: r.ok })),
    line: rollingP50(records, Math.min(20, Math.max(1, Math.floor(ok.length / 5)))),
    xLabel: 'time since start (s)',
    yLabel: 'latency (ms)',
  });
  const histogram = renderHistogramSvg({
    title: 'Latency histogram (ok requests)',
    values: ok,
    xLabel: 'latency (ms)',
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(meta.title)}</title>
<style>body{font-family:sans-serif;margin:24px;color:#222}table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:4px 10px;text-align:left}th{background:#f3f3f3}.legend span{margin-right:16px}</style>
</head><body>
<h1>${escapeXml(meta.title)}</h1>
<h2>Settings</h2><table>${settingsRows}</table>
<h2>Summary</h2><table>${summaryRows}</table>
<h2>Errors by kind</h2>${errorRows ? `<table>${row(['kind', 'count'], true)}${errorRows}</table>` : '<p>none</p>'}
<h2>Latency over time</h2>
<p class="legend"><span style="color:#2b8a3e">&#9679; ok</span><span style="color:#c92a2a">&#9679; failed</span><span style="color:#1864ab">&#8212; rolling p50</span></p>
${scatter}
<h2>Latency histogram</h2>
${histogram}
</body></html>
`;
}
