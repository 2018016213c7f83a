import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { medianInPlace, medianInRect, sampleObjectsNearestFirst, valueAt } from '../sample-objects.ts';
import type { DepthMap } from '../types.ts';

/** 6x4 map whose value is the column index: nearer to the right. */
const ramp: DepthMap = {
  width: 6,
  height: 4,
  data: Float32Array.from({ length: 24 }, (_, i) => i % 6),
};

describe('medianInPlace', () => {
  it('when the count is odd, returns the middle value; when even, the mean of the two middles', () => {
    expect(medianInPlace(Float32Array.from([9, 1, 5]))).toBe(5);
    expect(medianInPlace(Float32Array.from([4, 1, 3, 2]))).toBe(2.5);
  });

  it('for any values, equals the median of the sorted copy', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 200 }),
        (values) => {
          const sorted = [...values].sort((a, b) => a - b);
          const mid = sorted.length >> 1;
          const expected = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
          expect(medianInPlace(Float32Array.from(values))).toBe(expected);
        },
      ),
    );
  });
});

describe('medianInRect and valueAt', () => {
  it('when the box covers columns 3..5, returns the median column 4', () => {
    expect(medianInRect(ramp, { x1: 3, y1: 0, x2: 6, y2: 4 })).toBe(4);
  });

  it('when the box lies outside the map, clips it to at least one edge pixel', () => {
    expect(medianInRect(ramp, { x1: 50, y1: 50, x2: 60, y2: 60 })).toBe(5);
  });

  it('when reading a point, returns the pixel that contains it', () => {
    expect(valueAt(ramp, 2.7, 1.2)).toBe(2);
  });
});

describe('sampleObjectsNearestFirst', () => {
  it('when a far box is submitted before a near box, lists the near one first with rank 0', () => {
    const objects = [
      { kind: 'box', label: 'far', box: { x1: 0, y1: 0, x2: 2, y2: 4 } },
      { kind: 'box', label: 'near', box: { x1: 4, y1: 0, x2: 6, y2: 4 } },
    ] as const;

    const sampled = sampleObjectsNearestFirst(ramp, objects);

    expect(sampled.map((o) => [o.label, o.index, o.rank])).toEqual([
      ['near', 1, 0],
      ['far', 0, 1],
    ]);
    expect(sampled[0]).toMatchObject({ medianDepth: 4.5, centerDepth: 5 });
  });

  it('when given a point, uses the median of its 5x5 neighbourhood for both depths', () => {
    const [point] = sampleObjectsNearestFirst(ramp, [{ kind: 'point', point: { x: 0, y: 0 } }]);

    // Neighbourhood clipped to columns 0..2 -> values 0, 1, 2 on each row -> median 1.
    expect(point).toMatchObject({ kind: 'point', medianDepth: 1, centerDepth: 1, rank: 0, index: 0 });
  });

  it('when two objects have the same depth, keeps the submitted order', () => {
    const box = { x1: 1, y1: 1, x2: 2, y2: 2 };
    const sampled = sampleObjectsNearestFirst(ramp, [
      { kind: 'box', box },
      { kind: 'box', box },
    ]);
    expect(sampled.map((o) => o.index)).toEqual([0, 1]);
  });
});
