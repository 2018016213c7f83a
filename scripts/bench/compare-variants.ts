/**
 * Side-by-side comparison of yolo-api variants (other commits of this repository, or the same
 * code with other settings) in one run: every variant runs as its own process, and each round
 * sends the same image to every variant and runs the same tensor through one raw `session.run`
 * reference, in rotating order; throughput blocks of each variant alternate with raw blocks. The
 * machine's load therefore hits every variant alike, which is what makes "what did this change
 * buy" answerable on a shared machine.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Agent } from 'undici';
import type { LoadImage } from '../load/image-source.ts';
import { computeLatencyStats, summarizeRecords } from '../load/latency-stats.ts';
import { runLoad } from '../load/run-load.ts';
import { sendLoadRequest } from '../load/send-request.ts';
import { findFreePort } from '../platform/ports.ts';
import type { RawRunner } from './raw-inference.ts';

export interface VariantSpec {
  label: string;
  /** `.` or a directory holding a checkout, or `git:REV` (exported to a temporary directory). */
  source: string;
  /** Extra environment for this variant's service (wins over the common one). */
  env: Record<string, string>;
}

/** `NAME=SOURCE[,KEY=VALUE...]`, e.g. `before=git:e3773bb`, `mc1=.,MAX_CONCURRENCY=1`. */
export function parseVariantSpec(text: string): VariantSpec {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new Error(`--variant expects NAME=SOURCE[,KEY=VALUE...], got "${text}"`);
  const [source, ...pairs] = text.slice(eq + 1).split(',');
  if (!source) throw new Error(`--variant "${text}" has no source (".", a directory or git:REV)`);
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--variant "${text}": "${pair}" is not KEY=VALUE`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return { label: text.slice(0, eq), source, env };
}

/**
 * A directory with the variant's code. `git:REV` exports packages/, services/ and scripts/ of that
 * revision and links this checkout's installed dependencies into it (pnpm's per-package links are
 * relative, so the copied link farms resolve the same way): fine for comparing recent commits,
 * not for revisions with other dependencies.
 */
export function materializeSource(source: string, repoRoot: string): { dir: string; cleanup(): void } {
  if (!source.startsWith('git:')) return { dir: resolve(repoRoot, source), cleanup: () => {} };
  const rev = source.slice(4);
  const dir = mkdtempSync(join(tmpdir(), 'bench-compare-'));
  const tar = join(dir, 'tree.tar');
  execFileSync('git', [
    '-C',
    repoRoot,
    'archive',
    '-o',
    tar,
    rev,
    'packages',
    'services',
    'scripts',
    'package.json',
  ]);
  execFileSync('tar', ['-xf', tar, '-C', dir]);
  rmSync(tar);
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  for (const group of ['packages', 'services']) {
    for (const name of readdirSync(join(repoRoot, group))) copyLinks(join(group, name), repoRoot, dir);
  }
  copyLinks('scripts', repoRoot, dir);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function copyLinks(pkg: string, from: string, to: string): void {
  const links = join(from, pkg, 'node_modules');
  if (!existsSync(links) || !existsSync(join(to, pkg))) return;
  mkdirSync(join(to, pkg), { recursive: true });
  cpSync(links, join(to, pkg, 'node_modules'), { recursive: true, verbatimSymlinks: true });
}

export interface RunningVariant {
  spec: VariantSpec;
  url: string;
  stop(): void;
}

/** Starts the variant's yolo-api on a free port and waits for readyz 200. */
export async function startVariant(
  spec: VariantSpec,
  dir: string,
  env: Record<string, string>,
  readyTimeoutMs = 120_000,
): Promise<RunningVariant> {
  const port = await findFreePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(dir, 'services', 'yolo-api', 'src', 'main.ts')],
    {
      cwd: join(dir, 'services', 'yolo-api'),
      env: { ...process.env, ...env, ...spec.env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const url = `http://127.0.0.1:${port}`;
  const until = performance.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${spec.label} exited (${child.exitCode}): ${stderr}`);
    const ready = await fetch(`${url}/yoloapi/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return { spec, url, stop: () => child.kill('SIGTERM') };
    if (performance.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`${spec.label} not ready within ${readyTimeoutMs} ms: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface VariantLatency {
  label: string;
  p50Ms: number;
  /** HTTP p50 / raw p50 (interleaved). */
  ratio: number;
  /** The issue's rule: p50 ≤ 1.15 × raw p50 + 5 ms. */
  pass: boolean;
  /** Server-reported stage p50s (decodeMs, preprocessMs, inferenceMs, postprocessMs, totalMs). */
  stagesP50: Record<string, number>;
  /** p50 of (HTTP latency − server totalMs): body, HTTP and JSON. */
  outsideServerP50Ms: number;
  /** Median of (this variant − first variant) over the same images in the same rounds. */
  pairedVsFirstMs: number;
}

const p50 = (values: number[]) => computeLatencyStats(values)?.p50 ?? Number.NaN;
const rotate = <T>(items: T[], by: number) => {
  const k = ((by % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
};

/** Concurrency 1: per round, one raw run and one request per variant (same image), order rotating. */
export async function compareLatency(opts: {
  variants: readonly RunningVariant[];
  images: readonly LoadImage[];
  rounds: number;
  raw: RawRunner;
}): Promise<{ rawP50Ms: number; variants: VariantLatency[] }> {
  const dispatcher = new Agent({ connections: 1, keepAliveTimeout: 30_000 });
  const runStartedAt = performance.now();
  const rawTimes: number[] = [];
  const latency = opts.variants.map(() => [] as number[]);
  const outside = opts.variants.map(() => [] as number[]);
  const stages = opts.variants.map(() => ({}) as Record<string, number[]>);
  const slots = [-1, ...opts.variants.map((_, i) => i)];
  try {
    for (let round = -3; round < opts.rounds; round++) {
      const k = ((round % opts.images.length) + opts.images.length) % opts.images.length;
      for (const slot of rotate(slots, round)) {
        if (slot < 0) {
          const ms = await opts.raw.run(k);
          if (round >= 0) rawTimes.push(ms);
          continue;
        }
        const v = opts.variants[slot]!;
        const ctx = { baseUrl: v.url, dispatcher, timeoutMs: 60_000, runStartedAt };
        const rec = await sendLoadRequest(ctx, 'detect', opts.images[k]!, `cmp-${v.spec.label}-${round}`, 0);
        if (!rec.ok) throw new Error(`${v.spec.label}: ${rec.error?.kind} ${rec.error?.message}`);
        if (round < 0) continue;
        latency[slot]!.push(rec.latency_ms);
        outside[slot]!.push(rec.latency_ms - (rec.server_timings?.totalMs ?? Number.NaN));
        for (const [stage, ms] of Object.entries(rec.server_timings ?? {})) {
          const seen = stages[slot]!;
          seen[stage] = [...(seen[stage] ?? []), ms];
        }
      }
    }
  } finally {
    await dispatcher.close();
  }
  const rawP50Ms = p50(rawTimes);
  const first = latency[0]!;
  return {
    rawP50Ms,
    variants: opts.variants.map((v, i) => {
      const own = latency[i]!;
      return {
        label: v.spec.label,
        p50Ms: p50(own),
        ratio: p50(own) / rawP50Ms,
        pass: p50(own) <= 1.15 * rawP50Ms + 5,
        stagesP50: Object.fromEntries(Object.entries(stages[i]!).map(([s, values]) => [s, p50(values)])),
        outsideServerP50Ms: p50(outside[i]!),
        pairedVsFirstMs: p50(own.map((ms, j) => ms - first[j]!)),
      };
    }),
  };
}

export interface VariantThroughput {
  label: string;
  requestsPerSecond: number;
  /** Per block, req/s. */
  blocks: number[];
  /** Over raw-inference throughput measured in the alternating blocks. */
  ratio: number;
}

/** Closed loop at `concurrency`: blocks of raw runs and of each variant alternate (order rotating). */
export async function compareThroughput(opts: {
  variants: readonly RunningVariant[];
  images: readonly LoadImage[];
  concurrency: number;
  blocks: number;
  requestsPerBlock: number;
  raw: RawRunner;
}): Promise<{ rawRunsPerSecond: number; variants: VariantThroughput[] }> {
  let rawRuns = 0;
  let rawMs = 0;
  const totals = opts.variants.map(() => ({ ok: 0, seconds: 0, blocks: [] as number[] }));
  const slots = [-1, ...opts.variants.map((_, i) => i)];
  for (let block = 0; block < opts.blocks; block++) {
    for (const slot of rotate(slots, block)) {
      if (slot < 0) {
        const started = performance.now();
        for (let i = 0; i < opts.requestsPerBlock; i++) await opts.raw.run(block * opts.requestsPerBlock + i);
        rawMs += performance.now() - started;
        rawRuns += opts.requestsPerBlock;
        continue;
      }
      const run = await runLoad({
        baseUrl: opts.variants[slot]!.url,
        api: 'detect',
        schedule: { kind: 'concurrency', concurrency: opts.concurrency },
        limit: Math.max(opts.requestsPerBlock, opts.concurrency * 3),
        durationSeconds: 120,
        timeoutMs: 60_000,
        seed: 100 + block,
        images: opts.images,
      });
      const summary = summarizeRecords(run.records, run.durationSeconds);
      totals[slot]!.ok += summary.ok;
      totals[slot]!.seconds += run.durationSeconds;
      totals[slot]!.blocks.push(summary.okThroughputRps);
    }
  }
  const rawRunsPerSecond = (rawRuns * 1000) / rawMs;
  return {
    rawRunsPerSecond,
    variants: opts.variants.map((v, i) => {
      const t = totals[i]!;
      const rps = t.ok / t.seconds;
      return { label: v.spec.label, requestsPerSecond: rps, blocks: t.blocks, ratio: rps / rawRunsPerSecond };
    }),
  };
}

export interface CompareResult {
  startedAt: string;
  loadAverage: number[];
  variants: VariantSpec[];
  images: number;
  latency: Awaited<ReturnType<typeof compareLatency>> | null;
  throughput: (Awaited<ReturnType<typeof compareThroughput>> & { concurrency: number }) | null;
}

const f = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const row = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;

export function renderCompareMarkdown(result: CompareResult): string {
  const lines = [
    `Run ${result.startedAt}, ${result.images} COCO val2017 images, load average at start ${result.loadAverage.map((l) => l.toFixed(1)).join(' / ')}. Variants: ${result.variants
      .map(
        (v) =>
          `${v.label} = \`${v.source}\`${
            Object.keys(v.env).length
              ? ` with ${Object.entries(v.env)
                  .map(([k, val]) => `\`${k}=${val}\``)
                  .join(', ')}`
              : ''
          }`,
      )
      .join('; ')}.`,
  ];
  if (result.latency) {
    const stage = (v: VariantLatency, s: string) => f(v.stagesP50[s] ?? Number.NaN);
    lines.push(
      '',
      `Concurrency 1, raw \`session.run\` p50 ${f(result.latency.rawP50Ms)} ms in the same rounds:`,
      '',
      row([
        'variant',
        'HTTP p50 (ms)',
        'HTTP / raw',
        '≤ 1.15 × raw + 5 ms',
        'decode',
        'preprocess',
        'inference',
        'postprocess',
        'server total',
        'HTTP − server total',
        'paired Δ vs first (ms)',
      ]),
      row(Array(11).fill('---')),
      ...result.latency.variants.map((v) =>
        row([
          v.label,
          f(v.p50Ms),
          f(v.ratio, 3),
          v.pass ? 'PASS' : 'FAIL',
          stage(v, 'decodeMs'),
          stage(v, 'preprocessMs'),
          stage(v, 'inferenceMs'),
          stage(v, 'postprocessMs'),
          stage(v, 'totalMs'),
          f(v.outsideServerP50Ms),
          f(v.pairedVsFirstMs),
        ]),
      ),
    );
  }
  if (result.throughput) {
    lines.push(
      '',
      `Closed loop at concurrency ${result.throughput.concurrency}, blocks alternating with raw runs (${f(result.throughput.rawRunsPerSecond, 2)} raw runs/s):`,
      '',
      row(['variant', 'req/s', '/ raw throughput', 'per block']),
      row(Array(4).fill('---')),
      ...result.throughput.variants.map((v) =>
        row([v.label, f(v.requestsPerSecond, 2), f(v.ratio, 3), v.blocks.map((b) => f(b, 2)).join(', ')]),
      ),
    );
  }
  return lines.join('\n');
}
