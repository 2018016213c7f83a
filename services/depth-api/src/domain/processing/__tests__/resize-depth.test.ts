import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resizeDepthBilinear } from '../resize-depth.ts';

describe('resizeDepthBilinear', () => {
  it('when upscaling 2x1 to 4x1, interpolates with half-pixel centres and clamps at the edges', () => {
    const out = resizeDepthBilinear({ data: Float32Array.from([0, 4]), width: 2, height: 1 }, 4, 1);

    // Source x for targets 0..3: -0.25 (clamped 0), 0.25, 0.75, 1.25 (clamped 1).
    expect(Array.from(out.data)).toEqual([0, 1, 3, 4]);
  });

  it('when downscaling 4x4 to 2x2, averages each 2x2 block of a linear ramp', () => {
    const data = Float32Array.from({ length: 16 }, (_, i) => i);

    const out = resizeDepthBilinear({ data, width: 4, height: 4 }, 2, 2);

    expect(Array.from(out.data)).toEqual([2.5, 4.5, 10.5, 12.5]);
    expect([out.width, out.height]).toEqual([2, 2]);
  });

  it('when the size is unchanged, returns the same values', () => {
    const map = { data: Float32Array.from([1, 2, 3, 4]), width: 2, height: 2 };
    expect(resizeDepthBilinear(map, 2, 2).data).toEqual(map.data);
  });

  it('for any map and size, keeps every value within the source range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 30 }),
        fc.infiniteStream(fc.float({ min: -100, max: 100, noNaN: true })),
        (w, h, tw, th, stream) => {
          const data = Float32Array.from(stream.take(w * h));
          const out = resizeDepthBilinear({ data, width: w, height: h }, tw, th);
          const min = Math.min(...data);
          const max = Math.max(...data);
          expect(out.data.length).toBe(tw * th);
          for (const v of out.data) {
            expect(v).toBeGreaterThanOrEqual(min - 1e-4);
            expect(v).toBeLessThanOrEqual(max + 1e-4);
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});
