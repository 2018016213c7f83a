import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../../lib/run-script.ts';
import type { BenchResult } from '../bench-result.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bench-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const runBenchCli = (args: string[]) => runScript('scripts/bench.ts', args, {}, { timeoutMs: 240_000 });

describe('pnpm bench', () => {
  it('with two images, measures both models against the real platform and writes the table into the document', async () => {
    const out = join(dir, 'benchmarks.md');
    const json = join(dir, 'bench.json');
    writeFileSync(
      out,
      '# Benchmarks\n\nprose kept\n\n<!-- bench:start -->\nold\n<!-- bench:end -->\n\ntail kept\n',
    );

    const res = await runBenchCli([
      '--images',
      '2',
      '--saturation-requests',
      '4',
      '--max-concurrency',
      '2',
      '--out',
      out,
      '--json',
      json,
    ]);

    expect(res.stderr).not.toContain('bench:');
    expect(res.code).toBe(0);
    const doc = readFileSync(out, 'utf8');
    expect(doc).toContain('prose kept');
    expect(doc).toContain('tail kept');
    expect(doc).not.toContain('\nold\n');
    expect(doc).toMatch(/\| yolo-api \(real model yolov8n_int8\.onnx\) \| 2 \|/);
    expect(doc).toContain('| depth-api (');
    expect(doc).toMatch(/gateway overhead at p50 \| < 1 ms/);
    const result = JSON.parse(readFileSync(json, 'utf8')) as BenchResult;
    expect(result.models.map((m) => m.key)).toEqual(['yolo', 'depth']);
    const yolo = result.models[0]!;
    expect(yolo.raw.length).toBeGreaterThanOrEqual(2);
    expect(yolo.http.direct.count).toBe(2);
    expect(yolo.http.gateway?.count).toBe(2);
    expect(Object.keys(yolo.http.stages)).toEqual(expect.arrayContaining(['inferenceMs', 'totalMs']));
    expect(yolo.saturation.steps.map((s) => s.concurrency)).toEqual([1, 2]);
    expect(result.targets.filter((t) => t.model === 'yolo')).toHaveLength(3);
    expect(res.stdout).toMatch(/^(PASS|FAIL) {2}yolo: HTTP p50 at concurrency 1/m);
  });

  it('when an option is invalid, exits with code 2', async () => {
    const res = await runBenchCli(['--images', 'many']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--images must be a positive integer');
  });
});
