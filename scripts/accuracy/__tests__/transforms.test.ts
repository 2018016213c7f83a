import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cocoDir } from '@mlip/catalogue';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTransformedSet } from '../build-transformed-set.ts';
import { getImageTransform, IMAGE_TRANSFORMS } from '../image-transforms.ts';
import {
  labelToPixelBox,
  mirrorLabelsHorizontally,
  parseYoloLabels,
  type YoloLabel,
} from '../yolo-labels.ts';

const VAL_IMAGES = join(cocoDir(), 'images', 'val2017');
const VAL_LABELS = join(cocoDir(), 'labels', 'val2017');
let outRoot: string;

beforeAll(() => {
  outRoot = mkdtempSync(join(tmpdir(), 'accuracy-test-'));
});
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

/** Grey pixels of a label's box, resized to 16x16, as displayed (EXIF applied). */
async function boxPixels(image: Buffer, label: YoloLabel, flop = false): Promise<Buffer> {
  const upright = await sharp(image).rotate().toBuffer();
  const { width, height } = await sharp(upright).metadata();
  const [x1, y1, x2, y2] = labelToPixelBox(label, [height, width]);
  const left = Math.max(0, Math.round(x1));
  const top = Math.max(0, Math.round(y1));
  const region = {
    left,
    top,
    width: Math.max(1, Math.min(width, Math.round(x2)) - left),
    height: Math.max(1, Math.min(height, Math.round(y2)) - top),
  };
  let pipeline = sharp(upright).extract(region);
  if (flop) pipeline = pipeline.flop();
  return pipeline.resize(16, 16, { fit: 'fill' }).greyscale().raw().toBuffer();
}

const meanAbsDiff = (a: Buffer, b: Buffer) =>
  a.reduce((acc, v, i) => acc + Math.abs(v - b[i]!), 0) / a.length;

describe('label transforms', () => {
  it('mirroring twice gives the original labels back', () => {
    const labels = parseYoloLabels('0 0.25 0.5 0.1 0.2\n5 0.9 0.1 0.05 0.05\n');
    expect(mirrorLabelsHorizontally(mirrorLabelsHorizontally(labels))).toEqual(labels);
    expect(mirrorLabelsHorizontally(labels)[0]!.cx).toBeCloseTo(0.75, 10);
  });
});

describe('buildTransformedSet', () => {
  it('when mirrored, each mirrored label frames the mirrored pixels of the original box', async () => {
    const set = await buildTransformedSet({
      imagesDir: VAL_IMAGES,
      labelsDir: VAL_LABELS,
      outDir: join(outRoot, 'mirror'),
      transform: getImageTransform('mirror'),
      limit: 3,
    });

    expect(readdirSync(set.imagesDir)).toHaveLength(3);
    for (const file of readdirSync(set.imagesDir)) {
      const stem = file.replace(/\.jpg$/, '');
      const original = readFileSync(join(VAL_IMAGES, file));
      const mirrored = readFileSync(join(set.imagesDir, file));
      const labels = parseYoloLabels(readFileSync(join(VAL_LABELS, `${stem}.txt`), 'utf8'));
      const mirroredLabels = parseYoloLabels(readFileSync(join(set.labelsDir, `${stem}.txt`), 'utf8'));
      expect(mirroredLabels).toHaveLength(labels.length);
      // The largest box, where a wrong transform would show most clearly.
      const i = labels.reduce((best, l, k) => (l.w * l.h > labels[best]!.w * labels[best]!.h ? k : best), 0);
      const expected = await boxPixels(original, labels[i]!, true);
      const matched = await boxPixels(mirrored, mirroredLabels[i]!);
      const unmoved = await boxPixels(mirrored, labels[i]!);
      expect(meanAbsDiff(expected, matched)).toBeLessThan(6);
      if (Math.abs(labels[i]!.cx - 0.5) > labels[i]!.w / 2) {
        expect(meanAbsDiff(expected, unmoved)).toBeGreaterThan(meanAbsDiff(expected, matched) + 5);
      }
    }
  });

  it.each(
    IMAGE_TRANSFORMS.map((t) => [t.name]),
  )('when %s, the displayed image keeps the labelled content', async (name) => {
    const transform = getImageTransform(name);
    const set = await buildTransformedSet({
      imagesDir: VAL_IMAGES,
      labelsDir: VAL_LABELS,
      outDir: join(outRoot, name),
      transform,
      limit: 1,
    });
    const file = readdirSync(set.imagesDir)[0]!;
    const stem = file.slice(0, file.lastIndexOf('.'));
    const original = readFileSync(join(VAL_IMAGES, `${stem}.jpg`));
    const out = readFileSync(join(set.imagesDir, file));
    const label = parseYoloLabels(readFileSync(join(VAL_LABELS, `${stem}.txt`), 'utf8'))[0]!;
    const outLabel = parseYoloLabels(readFileSync(join(set.labelsDir, `${stem}.txt`), 'utf8'))[0]!;
    const meta = await sharp(out).metadata();

    expect(`.${meta.format === 'jpeg' ? 'jpg' : meta.format}`).toBe(transform.extension);
    if (name.startsWith('exif')) expect(meta.orientation).toBe(name === 'exif6' ? 6 : 8);
    const diff = meanAbsDiff(
      await boxPixels(original, label, name === 'mirror'),
      await boxPixels(out, outLabel),
    );
    expect(diff).toBeLessThan(8);
  });
});
