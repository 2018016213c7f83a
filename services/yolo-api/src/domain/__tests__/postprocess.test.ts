import { describe, expect, it } from 'vitest';
import { resolveClassFilter } from '../class-filter.ts';
import { COCO80_CLASS_NAMES, parseUltralyticsNames } from '../class-names.ts';
import { decodeCandidates, detectOutputLayout } from '../decode-output.ts';
import { computeLetterbox } from '../letterbox.ts';
import { nonMaxSuppression } from '../nms.ts';
import { postprocessDetections } from '../postprocess.ts';
import { v5Output, v8Output } from './model-output.ts';

describe('output layout', () => {
  it('detects v8 [1,84,8400] and v5 [1,25200,85]', () => {
    expect(detectOutputLayout([1, 84, 8400])).toEqual({ layout: 'v8', classes: 80, anchors: 8400 });
    expect(detectOutputLayout([1, 25200, 85])).toEqual({ layout: 'v5', classes: 80, anchors: 25200 });
    expect(detectOutputLayout([1, 6, 3], 2)).toEqual({ layout: 'v8', classes: 2, anchors: 3 });
    expect(() => detectOutputLayout([84, 8400])).toThrow(/shape/);
  });

  it('decodes a v8 output: best class per anchor, corners from centre/size, threshold applied', () => {
    const out = v8Output(
      [
        { cx: 100, cy: 100, w: 20, h: 40, scores: [0.1, 0.9, 0.2] },
        { cx: 300, cy: 300, w: 10, h: 10, scores: [0.05, 0.1, 0.1] },
      ],
      3,
    );
    const c = decodeCandidates(out.data, out.dims, 0.25, undefined, 3);
    expect(c.layout).toBe('v8');
    expect(c.count).toBe(1);
    expect([...c.boxes]).toEqual([90, 80, 110, 120]);
    expect(c.classIds[0]).toBe(1);
    expect(c.scores[0]).toBeCloseTo(0.9);
  });

  it('decodes a v5 output as objectness x class score', () => {
    const out = v5Output(
      [
        { cx: 50, cy: 60, w: 10, h: 20, obj: 0.8, scores: [0.5, 0.9] },
        { cx: 10, cy: 10, w: 4, h: 4, obj: 0.2, scores: [1, 1] },
      ],
      2,
    );
    const c = decodeCandidates(out.data, out.dims, 0.25, undefined, 2);
    expect(c.layout).toBe('v5');
    expect(c.count).toBe(1);
    expect(c.scores[0]).toBeCloseTo(0.72);
    expect(c.classIds[0]).toBe(1);
    expect([...c.boxes]).toEqual([45, 50, 55, 70]);
  });

  it('a class filter picks the best allowed class and drops anchors with none', () => {
    const out = v8Output(
      [
        { cx: 100, cy: 100, w: 20, h: 20, scores: [0.3, 0.9] },
        { cx: 200, cy: 200, w: 20, h: 20, scores: [0.0, 0.8] },
      ],
      2,
    );
    const c = decodeCandidates(out.data, out.dims, 0.25, new Set([0]), 2);
    expect(c.count).toBe(1);
    expect(c.classIds[0]).toBe(0);
    expect(c.scores[0]).toBeCloseTo(0.3);
  });
});

describe('nonMaxSuppression', () => {
  const candidates = (boxes: number[][], scores: number[], classIds: number[]) => ({
    boxes: new Float32Array(boxes.flat()),
    scores: new Float32Array(scores),
    classIds: new Int32Array(classIds),
    count: scores.length,
  });

  it('suppresses an overlapping lower-scored box of the same class but keeps one of another class', () => {
    const c = candidates(
      [
        [0, 0, 10, 10],
        [1, 1, 11, 11],
        [1, 1, 11, 11],
        [50, 50, 60, 60],
      ],
      [0.8, 0.9, 0.7, 0.6],
      [0, 0, 1, 0],
    );
    expect(nonMaxSuppression(c, 0.45, 100)).toEqual([1, 2, 3]);
  });

  it('keeps overlapping boxes whose IoU is at or below the threshold, and stops at maxDetections', () => {
    const c = candidates(
      [
        [0, 0, 10, 10],
        [5, 0, 15, 10],
        [100, 0, 110, 10],
      ],
      [0.9, 0.8, 0.7],
      [0, 0, 0],
    );
    // IoU of the first two = 50 / 150 = 0.333
    expect(nonMaxSuppression(c, 0.3, 100)).toEqual([0, 2]);
    expect(nonMaxSuppression(c, 0.4, 100)).toEqual([0, 1, 2]);
    expect(nonMaxSuppression(c, 0.4, 2)).toEqual([0, 1]);
  });

  it('when two overlapping boxes tie on score, keeps the same one whichever comes first', () => {
    const tall = [0, 0, 10, 20];
    const square = [0, 0, 10, 10];
    const first = candidates([tall, square], [0.5, 0.5], [0, 0]);
    const swapped = candidates([square, tall], [0.5, 0.5], [0, 0]);
    // Found by nms.property.test.ts: a stable sort on score alone kept whichever tied box came first.
    // Ties go by content (class, top-left, then bottom-right corner): the square wins either way.
    expect(nonMaxSuppression(first, 0.45, 100)).toEqual([1]);
    expect(nonMaxSuppression(swapped, 0.45, 100)).toEqual([0]);
  });
});

describe('model outputs that must not reach the answer (found by postprocess.property.test.ts)', () => {
  const lb = computeLetterbox([640, 640], [640, 640]);
  const options = { confidence: 0.25, iou: 0.45, maxDetections: 1 };

  it('when the model emits NaN or Infinity for a box, it is no candidate and takes no maxDetections slot', () => {
    const out = v8Output(
      [
        { cx: Number.NaN, cy: 100, w: 20, h: 20, scores: [0.95] },
        { cx: 100, cy: 100, w: Number.POSITIVE_INFINITY, h: 20, scores: [0.9] },
        { cx: 300, cy: 300, w: 40, h: 40, scores: [0.8] },
      ],
      1,
    );
    const { detections } = postprocessDetections(out, lb, options, ['thing']);
    expect(detections.map((d) => d.box)).toEqual([{ x1: 280, y1: 280, x2: 320, y2: 320 }]);
  });

  it('when a box is thinner than the 0.1 px rounding, it is dropped rather than answered with x1 == x2', () => {
    const out = v8Output([{ cx: 100, cy: 100, w: 0.02, h: 30, scores: [0.9] }], 1);
    expect(postprocessDetections(out, lb, { ...options, maxDetections: 10 }, ['thing']).detections).toEqual(
      [],
    );
  });
});

describe('postprocessDetections', () => {
  it('maps boxes back through the letterbox of a portrait image and labels them', () => {
    const lb = computeLetterbox([1080, 810], [640, 640]); // scale 640/1080, left pad 80
    const out = v8Output([{ cx: 320, cy: 320, w: 480, h: 640, scores: [0, 0, 0, 0, 0, 0.87] }], 80);
    const { detections, layout } = postprocessDetections(
      out,
      lb,
      { confidence: 0.25, iou: 0.45, maxDetections: 300 },
      COCO80_CLASS_NAMES,
    );
    expect(layout).toBe('v8');
    expect(detections).toEqual([
      { classId: 5, label: 'bus', confidence: 0.87, box: { x1: 0, y1: 0, x2: 810, y2: 1080 } },
    ]);
  });
});

describe('class names and filter', () => {
  it('parses the Ultralytics names dict, quotes included', () => {
    expect(parseUltralyticsNames("{0: 'person', 1: 'bicycle', 2: \"it's\"}")).toEqual([
      'person',
      'bicycle',
      "it's",
    ]);
    expect(parseUltralyticsNames("{0: 'a', 2: 'c'}")).toBeUndefined();
    expect(parseUltralyticsNames('not a dict')).toBeUndefined();
  });

  it('resolves ids and names, and refuses unknown ones with INVALID_OPTION', () => {
    expect(resolveClassFilter(['bus', '0', 2], COCO80_CLASS_NAMES)).toEqual(new Set([5, 0, 2]));
    expect(resolveClassFilter(undefined, COCO80_CLASS_NAMES)).toBeUndefined();
    expect(() => resolveClassFilter(['unicorn'], COCO80_CLASS_NAMES)).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
    expect(() => resolveClassFilter(['80'], COCO80_CLASS_NAMES)).toThrow(/classes/);
  });
});
