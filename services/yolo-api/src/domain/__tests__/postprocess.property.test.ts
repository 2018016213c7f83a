/**
 * Whatever the model outputs (boxes far outside the canvas, degenerate or tiny boxes, non-finite
 * numbers from a broken model) and whatever the image shape (1x1 up to 10000x10), every detection
 * that reaches the answer is a non-empty box inside the original image, as the API contract says.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeLetterbox } from '../letterbox.ts';
import { postprocessDetections } from '../postprocess.ts';
import type { HeightWidth } from '../types.ts';
import { v8Output } from './model-output.ts';

const CLASS_NAMES = ['person', 'bicycle', 'car'];

/** A coordinate or size as a model might emit it, mostly sane, sometimes wild. */
const coordinateArb = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -200, max: 840, noNaN: true }) },
  { weight: 2, arbitrary: fc.double({ min: 0, max: 2, noNaN: true }) },
  { weight: 1, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
);

const anchorArb = fc.record({
  cx: coordinateArb,
  cy: coordinateArb,
  w: coordinateArb,
  h: coordinateArb,
  scores: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
    minLength: CLASS_NAMES.length,
    maxLength: CLASS_NAMES.length,
  }),
});

/** Image sizes from 1 px to 10000 px a side, extreme aspect ratios included. */
const sideArb = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 10_000 }));
const targetArb = fc.constantFrom<HeightWidth>([640, 640], [320, 320], [480, 640], [640, 384]);

describe('postprocessDetections (properties)', () => {
  it('for any output and any image size, every box is finite, non-empty and inside the image', () => {
    fc.assert(
      fc.property(
        sideArb,
        sideArb,
        targetArb,
        fc.array(anchorArb, { minLength: 1, maxLength: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 300 }),
        (height, width, target, anchors, confidence, iou, maxDetections) => {
          const lb = computeLetterbox([height, width], target);
          const { detections } = postprocessDetections(
            v8Output(anchors, CLASS_NAMES.length),
            lb,
            { confidence, iou, maxDetections },
            CLASS_NAMES,
          );
          expect(detections.length).toBeLessThanOrEqual(maxDetections);
          for (const d of detections) {
            const { x1, y1, x2, y2 } = d.box;
            const where = `${JSON.stringify(d.box)} in ${width}x${height}`;
            expect([x1, y1, x2, y2].every(Number.isFinite), where).toBe(true);
            expect(x1, where).toBeGreaterThanOrEqual(0);
            expect(y1, where).toBeGreaterThanOrEqual(0);
            expect(x2, where).toBeLessThanOrEqual(width);
            expect(y2, where).toBeLessThanOrEqual(height);
            expect(x1 < x2 && y1 < y2, where).toBe(true);
            expect(d.confidence).toBeGreaterThanOrEqual(0);
            expect(d.confidence).toBeLessThanOrEqual(1);
            expect(d.label).toBe(CLASS_NAMES[d.classId]);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
