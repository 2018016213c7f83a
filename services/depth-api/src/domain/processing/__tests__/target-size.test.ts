import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bankersRound, computeDynamicTargetSize, computeTargetSize } from '../target-size.ts';

describe('bankersRound', () => {
  it('when the fraction is exactly one half, rounds to the even neighbour', () => {
    expect([0.5, 1.5, 2.5, 3.5, 54.5, 5.5].map(bankersRound)).toEqual([0, 2, 2, 4, 54, 6]);
  });

  it('when the fraction is not one half, rounds to the nearest integer', () => {
    expect([49.33, 49.7, 7.49].map(bankersRound)).toEqual([49, 50, 7]);
  });
});

describe('computeDynamicTargetSize', () => {
  it('when the image is the 810x1080 bus photo, scales the width to 518 and the height to 686', () => {
    // scale = 518/810 (nearer 1 than 518/1080); 1080 * 0.6395 / 14 = 49.33 -> 49 * 14 = 686.
    expect(computeDynamicTargetSize([1080, 810])).toEqual([686, 518]);
  });

  it('when the image is already 518x518, keeps it', () => {
    expect(computeDynamicTargetSize([518, 518])).toEqual([518, 518]);
  });

  it('when the rounding lands on .5, rounds half to even like the upstream processor', () => {
    // 763 wide, 518 high: width 763 / 14 = 54.5 -> 54 -> 756.
    expect(computeDynamicTargetSize([518, 763])).toEqual([518, 756]);
  });

  it('when the image is a thin panorama, caps the longer side at maxSide', () => {
    const [height, width] = computeDynamicTargetSize([300, 2000], { size: 518, multiple: 14, maxSide: 1036 });
    expect(width).toBeLessThanOrEqual(1036);
    expect(height).toBeGreaterThanOrEqual(14);
  });

  it('when the size is not positive, throws a RangeError', () => {
    expect(() => computeDynamicTargetSize([0, 10])).toThrow(RangeError);
  });

  it('for any image, gives sides that are positive multiples of 14 within maxSide', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 20_000 }), (h, w) => {
        const [height, width] = computeDynamicTargetSize([h, w]);
        for (const side of [height, width]) {
          expect(side % 14).toBe(0);
          expect(side).toBeGreaterThanOrEqual(14);
          expect(side).toBeLessThanOrEqual(1036);
        }
      }),
    );
  });
});

describe('computeTargetSize', () => {
  it('when the model input is fixed, returns exactly that size whatever the image', () => {
    expect(computeTargetSize([1080, 810], [518, 518])).toEqual([518, 518]);
  });

  it('when the model input is dynamic, keeps the aspect ratio in multiples of 14', () => {
    expect(computeTargetSize([1080, 810], ['height', 'width'])).toEqual([686, 518]);
  });
});
