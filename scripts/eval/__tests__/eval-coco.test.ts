/**
 * Accuracy gate: the detection service's own pipeline on the 128 COCO val2017 images
 * (../shared/data/coco) must reach mAP@0.5 >= 0.50 (a correct pipeline with yolov8n_int8 scores ~0.55-0.57).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main, parseArgs } from '../../eval-coco.ts';

describe('pnpm eval:coco on COCO val2017', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(
    'reaches mAP@0.5 >= 0.50 and reports mAP@0.5:0.95 through the service pipeline',
    { timeout: 600_000 },
    async () => {
      dir = await mkdtemp(join(tmpdir(), 'eval-coco-'));
      const out = join(dir, 'report.json');
      const code = await main(parseArgs(['--json', out]));
      expect(code).toBe(0);
      const report = JSON.parse(await readFile(out, 'utf8')) as {
        images: number;
        groundTruth: number;
        map50: number;
        map50to95: number;
      };
      console.log(
        `val2017: mAP@0.5 = ${report.map50.toFixed(4)}, mAP@0.5:0.95 = ${report.map50to95.toFixed(4)}`,
      );
      expect(report.images).toBe(128);
      expect(report.groundTruth).toBe(898);
      expect(report.map50).toBeGreaterThanOrEqual(0.5);
      expect(report.map50to95).toBeGreaterThan(0.35);
      expect(report.map50to95).toBeLessThan(report.map50);
    },
  );

  it('refuses --images without --labels', () => {
    expect(() => parseArgs(['--images', '/tmp'])).toThrow(/go together/);
  });
});
