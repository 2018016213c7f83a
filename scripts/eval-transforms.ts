/**
 * Accuracy on transformed images: the COCO folders as they are, and the same images mirrored,
 * rescaled to an odd non-square size, re-encoded as PNG and WebP, and EXIF-rotated (orientation
 * 6 and 8, pixels stored rotated so the displayed image is the original), with the YOLO labels
 * transformed to match. Each set goes through the detection service's pipeline (decode with
 * EXIF orientation, letterbox, ONNX Runtime, NMS) and the COCO evaluator of `pnpm eval:coco`.
 * Requirement: no transformed set loses more than 0.02 mAP against the original.
 *
 * Usage:
 *   npx tsx scripts/eval-transforms.ts [--splits val2017,train2017] [--transforms mirror,rescale,png,webp,exif6,exif8]
 *                                      [--limit N] [--out docs/benchmarks.md] [--json artifacts/accuracy.json] [--keep DIR]
 *
 * Examples:
 *   npx tsx scripts/eval-transforms.ts                         both splits, every transform, table into docs/benchmarks.md
 *   npx tsx scripts/eval-transforms.ts --splits val2017 --transforms mirror --limit 16 --out /tmp/acc.md
 *
 * The transformed sets are written to a temporary folder (removed at the end unless --keep DIR).
 * Exit codes: 0 done (the table says PASS/FAIL per set), 1 the run failed, 2 invalid arguments.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { ARTIFACTS_DIR, cocoDir, REPO_ROOT } from '@mlip/catalogue';
import { compareToOriginal, renderAccuracyMarkdown, type SetScore } from './accuracy/accuracy-report.ts';
import { buildTransformedSet } from './accuracy/build-transformed-set.ts';
import { createSetEvaluator } from './accuracy/evaluate-set.ts';
import { getImageTransform, IMAGE_TRANSFORMS } from './accuracy/image-transforms.ts';
import { writeSection } from './bench/render-markdown.ts';
import { parseFlags, positiveInteger, runMain, UsageError } from './lib/cli-args.ts';

interface Args {
  splits: string[];
  transforms: string[];
  limit: number | undefined;
  out: string;
  json: string;
  keep: string | null;
}

function parseArgs(argv: string[]): Args {
  const { values } = parseFlags({
    args: argv,
    strict: true,
    options: {
      splits: { type: 'string' },
      transforms: { type: 'string' },
      limit: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'string' },
      keep: { type: 'string' },
    },
  });
  const splits = (values.splits ?? 'val2017,train2017').split(',').map((s) => s.trim());
  for (const s of splits)
    if (!/^(val|train)2017$/.test(s)) throw new UsageError(`--splits: unknown split "${s}"`);
  const transforms = (values.transforms ?? IMAGE_TRANSFORMS.map((t) => t.name).join(','))
    .split(',')
    .map((t) => t.trim());
  for (const t of transforms) {
    try {
      getImageTransform(t);
    } catch (err) {
      throw new UsageError(`--transforms: ${(err as Error).message}`);
    }
  }
  const limit = positiveInteger('limit', values.limit);
  return {
    splits,
    transforms,
    limit,
    out: resolve(values.out ?? join(REPO_ROOT, 'docs', 'benchmarks.md')),
    json: resolve(values.json ?? join(ARTIFACTS_DIR, 'accuracy.json')),
    keep: values.keep ? resolve(values.keep) : null,
  };
}

export async function main(args: Args): Promise<number> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const workDir = args.keep ?? mkdtempSync(join(tmpdir(), 'eval-transforms-'));
  const evaluator = createSetEvaluator();
  const scores: SetScore[] = [];
  const started = Date.now();
  try {
    for (const split of args.splits) {
      const imagesDir = join(cocoDir(), 'images', split);
      const labelsDir = join(cocoDir(), 'labels', split);
      const sets = [
        { set: 'original', description: 'as stored (JPEG)', imagesDir, labelsDir, limit: args.limit },
      ];
      for (const name of args.transforms) {
        const transform = getImageTransform(name);
        log(`[${split}] building ${name}`);
        const built = await buildTransformedSet({
          imagesDir,
          labelsDir,
          outDir: join(workDir, split, name),
          transform,
          limit: args.limit,
        });
        sets.push({ set: name, description: transform.description, ...built, limit: undefined });
      }
      for (const s of sets) {
        const score = await evaluator.evaluate({
          imagesDir: s.imagesDir,
          labelsDir: s.labelsDir,
          limit: s.limit,
        });
        log(
          `[${split}] ${s.set}: mAP@0.5 ${score.map50.toFixed(3)}  mAP@0.5:0.95 ${score.map5095.toFixed(3)}  (${score.images} images)`,
        );
        scores.push({ split, set: s.set, description: s.description, ...score });
      }
    }
  } finally {
    if (!args.keep) rmSync(workDir, { recursive: true, force: true });
  }
  const rows = compareToOriginal(scores);
  const header = `Run ${new Date().toISOString()} (${((Date.now() - started) / 1000).toFixed(0)} s), \`${['npx tsx scripts/eval-transforms.ts', ...process.argv.slice(2)].join(' ')}\`: ${evaluator.description}. Δ is against the original images of the same split.`;
  const markdown = renderAccuracyMarkdown(rows, header);
  mkdirSync(dirname(args.json), { recursive: true });
  writeFileSync(args.json, `${JSON.stringify({ evaluator: evaluator.description, rows }, null, 2)}\n`);
  writeSection(args.out, 'accuracy', markdown);
  log(`\n${markdown}\n`);
  for (const r of rows.filter((x) => x.set !== 'original')) {
    log(
      `${r.pass ? 'PASS' : 'FAIL'}  ${r.split} ${r.set}: Δ mAP@0.5 ${r.deltaMap50.toFixed(3)}, Δ mAP@0.5:0.95 ${r.deltaMap5095.toFixed(3)}`,
    );
  }
  log(`\njson: ${args.json}\ntable: ${args.out}`);
  return 0;
}

process.exitCode = await runMain('eval-transforms', process.argv.slice(2), parseArgs, main);
