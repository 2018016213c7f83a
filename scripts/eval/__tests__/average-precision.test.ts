import { describe, expect, it } from 'vitest';
import { boxIou, COCO_IOU_THRESHOLDS, computeMeanAp, interpolatedAp } from '../average-precision.ts';
import { parseYoloLabels } from '../yolo-labels.ts';

const box = (x1: number, y1: number, x2: number, y2: number) => ({ x1, y1, x2, y2 });

describe('COCO-style AP', () => {
  it('IoU thresholds are 0.50, 0.55, ..., 0.95', () => {
    expect(COCO_IOU_THRESHOLDS).toEqual([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]);
    expect(boxIou(box(0, 0, 100, 100), box(0, 0, 100, 72))).toBeCloseTo(0.72);
  });

  it('TP, FP, TP over 2 ground truths gives the 101-point AP (51 x 1 + 50 x 2/3) / 101', () => {
    expect(interpolatedAp([true, false, true], 2)).toBeCloseTo((51 + (50 * 2) / 3) / 101, 10);
    expect(interpolatedAp([true, true], 2)).toBe(1);
    expect(interpolatedAp([false, false], 2)).toBe(0);
    expect(interpolatedAp([], 3)).toBe(0);
  });

  it('matches by score, counts a second box on the same object as a false positive, ignores classes without truth', () => {
    const truths = [
      { imageId: 'a', classId: 0, box: box(0, 0, 10, 10) },
      { imageId: 'a', classId: 0, box: box(20, 20, 30, 30) },
    ];
    const detections = [
      { imageId: 'a', classId: 0, score: 0.9, box: box(0, 0, 10, 10) },
      { imageId: 'a', classId: 0, score: 0.8, box: box(0, 0, 10, 10.5) }, // duplicate -> FP
      { imageId: 'a', classId: 0, score: 0.7, box: box(20, 20, 30, 30) },
      { imageId: 'b', classId: 0, score: 0.95, box: box(20, 20, 30, 30) }, // other image -> FP
      { imageId: 'a', classId: 7, score: 0.99, box: box(0, 0, 10, 10) }, // class without truth: ignored
    ];
    const result = computeMeanAp(detections, truths);
    expect(Object.keys(result.perClass)).toEqual(['0']);
    // Sorted: FP(b), TP, FP(duplicate), TP -> recall [0, .5, .5, 1], precision [0, .5, .333, .5]
    // envelope [.5, .5, .5, .5] -> AP = 0.5 at every threshold (boxes match exactly).
    expect(result.map50).toBeCloseTo(0.5, 10);
    expect(result.map50to95).toBeCloseTo(0.5, 10);
  });

  it('a box with IoU 0.72 counts at thresholds 0.50-0.70 only: AP50 = 1, AP50:95 = 0.5', () => {
    const result = computeMeanAp(
      [{ imageId: 'a', classId: 3, score: 0.5, box: box(0, 0, 100, 72) }],
      [{ imageId: 'a', classId: 3, box: box(0, 0, 100, 100) }],
    );
    expect(result.map50).toBe(1);
    expect(result.map50to95).toBeCloseTo(0.5, 10);
  });

  it('YOLO labels become pixel boxes of the image', () => {
    expect(parseYoloLabels('5 0.5 0.5 1 0.5\n\n0 0.25 0.75 0.5 0.5\n', 'x', [200, 400])).toEqual([
      { imageId: 'x', classId: 5, box: box(0, 50, 400, 150) },
      { imageId: 'x', classId: 0, box: box(0, 100, 200, 200) },
    ]);
    expect(() => parseYoloLabels('1 2 3', 'x', [1, 1])).toThrow(/line 1/);
  });
});
