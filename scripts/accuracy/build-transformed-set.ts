/**
 * Writes a transformed copy of a COCO image folder and its YOLO labels:
 *   <outDir>/images/<stem><ext>   transformed image
 *   <outDir>/labels/<stem>.txt    labels transformed to match
 * the same layout as the originals, so the COCO evaluator reads it unchanged.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { ImageTransform } from './image-transforms.ts';
import { formatYoloLabels, parseYoloLabels } from './yolo-labels.ts';

export interface TransformedSet {
  transform: string;
  imagesDir: string;
  labelsDir: string;
  images: number;
}

export async function buildTransformedSet(opts: {
  imagesDir: string;
  labelsDir: string;
  outDir: string;
  transform: ImageTransform;
  /** Only the first N images (sorted by name). */
  limit?: number;
}): Promise<TransformedSet> {
  const imagesOut = join(opts.outDir, 'images');
  const labelsOut = join(opts.outDir, 'labels');
  mkdirSync(imagesOut, { recursive: true });
  mkdirSync(labelsOut, { recursive: true });
  const files = readdirSync(opts.imagesDir)
    .filter((f) => /\.(jpe?g|png|webp)$/i.test(f))
    .sort()
    .slice(0, opts.limit);
  for (const file of files) {
    const stem = basename(file, extname(file));
    const bytes = await opts.transform.apply(readFileSync(join(opts.imagesDir, file)));
    writeFileSync(join(imagesOut, `${stem}${opts.transform.extension}`), bytes);
    // A missing label file means no objects, as the COCO evaluator reads it (train2017 has one such image).
    const labelFile = join(opts.labelsDir, `${stem}.txt`);
    const labels = existsSync(labelFile) ? parseYoloLabels(readFileSync(labelFile, 'utf8')) : [];
    writeFileSync(join(labelsOut, `${stem}.txt`), formatYoloLabels(opts.transform.transformLabels(labels)));
  }
  return { transform: opts.transform.name, imagesDir: imagesOut, labelsDir: labelsOut, images: files.length };
}
