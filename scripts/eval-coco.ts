/**
 * COCO-style accuracy of the detection service's own pipeline (letterbox, model, NMS) on a folder of
 * images with YOLO-format labels: mAP@0.5 and mAP@0.5:0.95, 101-point interpolation, evaluated with
 * confidence 0.001, NMS IoU 0.7, at most 300 boxes per image.
 *
 * Usage:
 *   pnpm eval:coco [--images DIR --labels DIR] [--model FILE] [--limit N] [--json OUT]
 *
 * Examples:
 *   pnpm eval:coco                                   # ../shared/data/coco val2017 (128 images)
 *   pnpm eval:coco --images ../shared/data/coco/images/train2017 --labels ../shared/data/coco/labels/train2017
 *   pnpm eval:coco --json artifacts/eval-coco.json
 *
 * Exit codes: 0 done, 1 failure, 2 bad arguments.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs as parseNodeArgs } from 'node:util';
import { cocoDir, MODELS, testModelsDir } from '@mlip/catalogue';
import { evaluateDetector } from './eval/evaluate-detector.ts';

export interface EvalArgs {
  images: string;
  labels: string;
  model: string;
  limit: number | undefined;
  json: string | undefined;
}

export function parseArgs(argv: string[]): EvalArgs {
  const { values } = parseNodeArgs({
    args: argv,
    options: {
      images: { type: 'string' },
      labels: { type: 'string' },
      model: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'string' },
    },
    strict: true,
  });
  if ((values.images === undefined) !== (values.labels === undefined)) {
    throw new Error('--images and --labels go together');
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1))
    throw new Error('--limit must be a positive integer');
  return {
    images: resolve(values.images ?? join(cocoDir(), 'images', 'val2017')),
    labels: resolve(values.labels ?? join(cocoDir(), 'labels', 'val2017')),
    model: resolve(values.model ?? process.env.MODEL_PATH ?? join(testModelsDir(), MODELS.yolo.file)),
    limit,
    json: values.json === undefined ? undefined : resolve(values.json),
  };
}

export async function main(args: EvalArgs): Promise<number> {
  process.stderr.write(`evaluating ${args.model}\n  on ${args.images}\n`);
  const report = await evaluateDetector({
    modelPath: args.model,
    imagesDir: args.images,
    labelsDir: args.labels,
    limit: args.limit,
    onProgress: (done, total) => {
      if (done % 16 === 0 || done === total) process.stderr.write(`  ${done}/${total} images\n`);
    },
  });
  process.stdout.write(
    `images ${report.images}, ground-truth boxes ${report.groundTruth}, classes ${Object.keys(report.perClass).length}\n` +
      `mAP@0.5      = ${report.map50.toFixed(4)}\n` +
      `mAP@0.5:0.95 = ${report.map50to95.toFixed(4)}\n` +
      `mean inference ${report.meanInferenceMs.toFixed(1)} ms, mean pipeline ${report.meanTotalMs.toFixed(1)} ms, wall ${report.wallSeconds.toFixed(1)} s\n`,
  );
  if (args.json) {
    await mkdir(dirname(args.json), { recursive: true });
    await writeFile(
      args.json,
      `${JSON.stringify({ model: args.model, imagesDir: args.images, labelsDir: args.labels, ...report }, null, 2)}\n`,
    );
    process.stderr.write(`wrote ${args.json}\n`);
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  let args: EvalArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`eval-coco: ${(error as Error).message}\n`);
    process.exit(2);
  }
  main(args).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`eval-coco: ${(error as Error).stack ?? error}\n`);
      process.exit(1);
    },
  );
}
