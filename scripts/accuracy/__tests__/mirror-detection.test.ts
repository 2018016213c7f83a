import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cocoDir, MODELS, testModelsDir } from '@mlip/catalogue';
import { createYoloDetector, type YoloDetector } from '@mlip/yolo-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getImageTransform } from '../image-transforms.ts';
import { labelToPixelBox, parseYoloLabels } from '../yolo-labels.ts';

// Three val2017 images whose largest labelled object is large and off-centre, so a label that was
// not mirrored lands on other pixels.
const IMAGES = ['000000000632', '000000000802', '000000001268'];
let detector: YoloDetector;

beforeAll(async () => {
  detector = await createYoloDetector({ modelPath: join(testModelsDir(), MODELS.yolo.file) });
});
afterAll(async () => {
  await detector?.dispose();
});

function iou(a: readonly number[], b: readonly number[]): number {
  const w = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!));
  const h = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
  const inter = w * h;
  const area = (r: readonly number[]) => (r[2]! - r[0]!) * (r[3]! - r[1]!);
  return inter / (area(a) + area(b) - inter);
}

describe('mirror transform through the detection pipeline', () => {
  it.each(IMAGES)('on %s, a detection on the mirrored image matches the mirrored label', async (stem) => {
    const original = readFileSync(join(cocoDir(), 'images', 'val2017', `${stem}.jpg`));
    const labels = parseYoloLabels(readFileSync(join(cocoDir(), 'labels', 'val2017', `${stem}.txt`), 'utf8'));
    const mirror = getImageTransform('mirror');
    const mirrored = await mirror.apply(original);
    const mirroredLabels = mirror.transformLabels(labels);
    const largest = labels.reduce(
      (best, l, k) => (l.w * l.h > labels[best]!.w * labels[best]!.h ? k : best),
      0,
    );

    const result = await detector.detect(mirrored, { confidence: 0.25 });

    const size: [number, number] = [result.image.height, result.image.width];
    const target = labelToPixelBox(mirroredLabels[largest]!, size);
    const unmirrored = labelToPixelBox(labels[largest]!, size);
    const sameClass = result.detections.filter((d) => d.classId === labels[largest]!.classId);
    const best = Math.max(0, ...sameClass.map((d) => iou([d.box.x1, d.box.y1, d.box.x2, d.box.y2], target)));
    const bestUnmirrored = Math.max(
      0,
      ...sameClass.map((d) => iou([d.box.x1, d.box.y1, d.box.x2, d.box.y2], unmirrored)),
    );
    expect(best).toBeGreaterThan(0.5);
    expect(best).toBeGreaterThan(bestUnmirrored);
  });
});
