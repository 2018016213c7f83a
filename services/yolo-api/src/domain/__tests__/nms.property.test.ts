/**
 * Properties of class-wise greedy NMS over random candidate sets. Boxes sit on a coarse grid and
 * scores come from a handful of values, so overlaps and score ties (the cases that break naive
 * implementations) are the rule, not the exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Candidates } from '../decode-output.ts';
import { iou, nonMaxSuppression } from '../nms.ts';

interface Candidate {
  box: [number, number, number, number];
  score: number;
  classId: number;
}

const candidateArb: fc.Arbitrary<Candidate> = fc
  .record({
    x: fc.integer({ min: 0, max: 12 }),
    y: fc.integer({ min: 0, max: 12 }),
    w: fc.integer({ min: 1, max: 8 }),
    h: fc.integer({ min: 1, max: 8 }),
    score: fc.constantFrom(0.3, 0.5, 0.5, 0.7, 0.9),
    classId: fc.integer({ min: 0, max: 2 }),
  })
  .map(({ x, y, w, h, score, classId }) => ({
    box: [x * 10, y * 10, (x + w) * 10, (y + h) * 10],
    score,
    classId,
  }));

const candidatesArb = fc.array(candidateArb, { minLength: 0, maxLength: 40 });
const iouArb = fc.constantFrom(0, 0.1, 0.3, 0.45, 0.5, 0.7, 1);
const maxArb = fc.integer({ min: 1, max: 50 });

function toCandidates(list: readonly Candidate[]): Candidates {
  return {
    boxes: Float32Array.from(list.flatMap((c) => c.box)),
    scores: Float32Array.from(list.map((c) => c.score)),
    classIds: Int32Array.from(list.map((c) => c.classId)),
    count: list.length,
  };
}

/** Kept candidates as comparable values (indices differ between orders; values must not). */
function keptValues(list: readonly Candidate[], iouThreshold: number, max: number): string[] {
  return nonMaxSuppression(toCandidates(list), iouThreshold, max).map((i) => JSON.stringify(list[i]));
}

describe('nonMaxSuppression (properties)', () => {
  it('is order-independent: any permutation of the candidates keeps the same boxes, in the same order', () => {
    fc.assert(
      fc.property(
        candidatesArb.chain((list) =>
          fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length })),
        ),
        iouArb,
        maxArb,
        ([list, shuffled], iouThreshold, max) => {
          expect(keptValues(shuffled, iouThreshold, max)).toEqual(keptValues(list, iouThreshold, max));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is idempotent: NMS over its own output keeps everything, in the same order', () => {
    fc.assert(
      fc.property(candidatesArb, iouArb, maxArb, (list, iouThreshold, max) => {
        const kept = nonMaxSuppression(toCandidates(list), iouThreshold, max).map((i) => list[i]!);
        const again = nonMaxSuppression(toCandidates(kept), iouThreshold, max);
        expect(again).toEqual(kept.map((_, i) => i));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps at most maxDetections, highest score first, no two of a class overlapping above the threshold', () => {
    fc.assert(
      fc.property(candidatesArb, iouArb, maxArb, (list, iouThreshold, max) => {
        const c = toCandidates(list);
        const kept = nonMaxSuppression(c, iouThreshold, max);
        expect(kept.length).toBeLessThanOrEqual(max);
        expect(new Set(kept).size).toBe(kept.length);
        for (let k = 1; k < kept.length; k++) {
          expect(c.scores[kept[k - 1]!]!).toBeGreaterThanOrEqual(c.scores[kept[k]!]!);
        }
        for (const a of kept) {
          for (const b of kept) {
            if (a !== b && c.classIds[a] === c.classIds[b])
              expect(iou(c.boxes, a, b)).toBeLessThanOrEqual(iouThreshold);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('suppresses a box only because of a kept box of its class, at least as confident, overlapping above the threshold', () => {
    fc.assert(
      fc.property(candidatesArb, iouArb, (list, iouThreshold) => {
        const c = toCandidates(list);
        // No maxDetections cut here, so every dropped box must have been suppressed.
        const kept = nonMaxSuppression(c, iouThreshold, list.length + 1);
        const keptSet = new Set(kept);
        for (let i = 0; i < c.count; i++) {
          if (keptSet.has(i)) continue;
          const by = kept.find(
            (k) =>
              c.classIds[k] === c.classIds[i] &&
              c.scores[k]! >= c.scores[i]! &&
              iou(c.boxes, k, i) > iouThreshold,
          );
          expect(by, `candidate ${i} ${JSON.stringify(list[i])} dropped without cause`).toBeDefined();
        }
      }),
      { numRuns: 300 },
    );
  });
});
