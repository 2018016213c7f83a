/**
 * Markdown for the benchmarks document, and the splice that replaces one generated
 * section (between `<!-- NAME:start -->` and `<!-- NAME:end -->`) and leaves the prose alone.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { BenchResult, ModelBench } from './bench-result.ts';

const f1 = (v: number | null | undefined) =>
  v === null || v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(1);
const f2 = (v: number | null | undefined) =>
  v === null || v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(2);

function table(header: string[], rows: (string | number)[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function stageCell(model: ModelBench, stage: string): string {
  const s = model.http.stages[stage];
  return s ? f1(s.p50) : 'n/a';
}

export function renderBenchMarkdown(result: BenchResult): string {
  const m = result.machine;
  const lines: string[] = [];
  lines.push(
    `Run ${result.startedAt} (${result.durationSeconds.toFixed(0)} s). Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.platform}; Node ${m.node}, onnxruntime-node ${m.onnxruntime}, sharp ${m.sharp}; load average at start ${m.loadAverage.join(' / ')}.`,
    '',
  );
  if (Object.keys(result.serviceEnv).length > 0) {
    lines.push(
      `Service settings: ${Object.entries(result.serviceEnv)
        .map(([k, v]) => `\`${k}=${v}\``)
        .join(', ')}.`,
      '',
    );
  }
  lines.push(
    table(
      [
        'model',
        'images',
        'raw p50 (ms)',
        'raw p50 interleaved',
        'raw runs/s',
        'decode',
        'preprocess',
        'inference',
        'postprocess',
        'server total',
        'HTTP p50 c=1',
        'HTTP p95 c=1',
        'via gateway p50',
        'saturation req/s (at c)',
      ],
      result.models.map((model) => [
        `${model.label} (${model.modelNote})`,
        model.images,
        f1(model.raw[0]!.latencyMs.p50),
        f1(model.http.rawInterleaved?.p50),
        f2(model.raw[0]!.throughputPerSecond),
        stageCell(model, 'decodeMs'),
        stageCell(model, 'preprocessMs'),
        stageCell(model, 'inferenceMs'),
        stageCell(model, 'postprocessMs'),
        stageCell(model, 'totalMs'),
        f1(model.http.direct.p50),
        f1(model.http.direct.p95),
        f1(model.http.gateway?.p50),
        `${f2(model.saturation.maxThroughputRps)} (${model.saturation.atConcurrency})`,
      ]),
    ),
    '',
    'Stage columns are server-reported p50s in ms (`timings` of the direct requests at concurrency 1).',
    '',
    table(
      ['model', 'HTTP p50 / raw p50', 'saturation / raw throughput', 'gateway overhead p50 (ms)'],
      result.models.map((model) => [
        model.label,
        f2(model.ratios.httpP50OverRawP50),
        f2(model.ratios.saturationOverRawThroughput),
        f2(model.ratios.gatewayOverheadP50Ms),
      ]),
    ),
    '',
    '`raw p50 interleaved`: the reference session run in the same rounds as the HTTP requests (raw run, direct, gateway per image); the latency ratio and target use it. The throughput ratio uses blocks of raw runs alternating with blocks of HTTP at the saturation concurrency:',
    '',
    table(
      ['model', 'concurrency', 'rounds', 'raw runs/s', 'HTTP ok req/s', 'ratio'],
      result.models.map((model) => [
        model.label,
        model.paired.concurrency,
        model.paired.rounds.map((r) => `${f2(r.rawRunsPerSecond)} / ${f2(r.httpRps)}`).join('; '),
        f2(model.paired.rawRunsPerSecond),
        f2(model.paired.httpRps),
        f2(model.paired.ratio),
      ]),
    ),
    '',
    '**Targets**',
    '',
    table(
      ['model', 'target', 'rule', 'measured', 'result'],
      result.targets.map((t) => [t.model, t.name, t.rule, t.value, t.pass ? 'PASS' : '**FAIL**']),
    ),
    '',
    '**ONNX Runtime session settings, raw `session.run`, interleaved image by image**',
    '',
    table(
      ['model', 'settings', 'p50 (ms)', 'p95 (ms)', 'mean (ms)', 'runs/s', 'load (ms)'],
      result.models.flatMap((model) =>
        model.raw.map((r, i) => [
          model.label,
          `${r.config.label}${i === 0 ? ' (reference)' : ''}`,
          f1(r.latencyMs.p50),
          f1(r.latencyMs.p95),
          f1(r.latencyMs.mean),
          f2(r.throughputPerSecond),
          f1(r.loadMs),
        ]),
      ),
    ),
    '',
    '**Saturation ladder (closed loop)**',
    '',
    table(
      ['model', 'concurrency', 'requests', 'ok req/s', 'p50 (ms)', 'p95 (ms)', 'errors'],
      result.models.flatMap((model) =>
        model.saturation.steps.map((s) => [
          model.label,
          s.concurrency,
          s.requests,
          f2(s.throughputRps),
          f1(s.p50Ms),
          f1(s.p95Ms),
          Object.entries(s.errors)
            .map(([k, n]) => `${k}: ${n}`)
            .join(', ') || '-',
        ]),
      ),
    ),
  );
  return lines.join('\n');
}

export function spliceSection(document: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${content.trim()}\n${end}`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from >= 0 && to > from) return document.slice(0, from) + block + document.slice(to + end.length);
  return `${document.trimEnd()}\n\n${block}\n`;
}

export function writeSection(file: string, name: string, content: string): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  writeFileSync(file, spliceSection(current, name, content));
}
