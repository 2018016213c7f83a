/**
 * Bilinear depth resize over any float32 values (large magnitudes, mixed signs) and any sizes,
 * extreme aspect ratios included (the model's 1036x14 output back to a 10000x10 photo): the output
 * never leaves the input's [min, max], exactly, with no tolerance (resize-depth.test.ts checks small
 * maps within 1e-4); a flat map stays flat; the size is the one asked for.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resizeDepthBilinear } from '../resize-depth.ts';

const valueArb = fc.oneof(
  fc.float({ min: -100, max: 100, noNaN: true }),
  fc.float({ noNaN: true, noDefaultInfinity: true }),
  fc.float({ min: Math.fround(0.999), max: Math.fround(1.001), noNaN: true }),
);

/** A source map up to 24x24 and a target from 1x1 to 2000 a side, often very thin. */
const resizeArb = fc.record({
  width: fc.integer({ min: 1, max: 24 }),
  height: fc.integer({ min: 1, max: 24 }),
  target: fc.oneof(
    fc.tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 60 })),
    fc.tuple(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: 3 })),
    fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2000 })),
  ),
  values: fc.infiniteStream(valueArb),
});

function minMax(data: Float32Array): [number, number] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

describe('resizeDepthBilinear (properties)', () => {
  it('for any values and any target size, every output value lies within the input [min, max], exactly', () => {
    fc.assert(
      fc.property(resizeArb, ({ width, height, target: [tw, th], values }) => {
        const data = Float32Array.from(values.take(width * height));
        const [min, max] = minMax(data);
        const out = resizeDepthBilinear({ data, width, height }, tw, th);
        expect([out.width, out.height, out.data.length]).toEqual([tw, th, tw * th]);
        const [outMin, outMax] = minMax(out.data);
        expect(outMin, `min ${outMin} < ${min}`).toBeGreaterThanOrEqual(min);
        expect(outMax, `max ${outMax} > ${max}`).toBeLessThanOrEqual(max);
      }),
      { numRuns: 300 },
    );
  });

  it('a flat map stays exactly flat at any size', () => {
    fc.assert(
      fc.property(resizeArb, valueArb, ({ width, height, target: [tw, th] }, value) => {
        const data = new Float32Array(width * height).fill(value);
        const out = resizeDepthBilinear({ data, width, height }, tw, th);
        expect(out.data.every((v) => v === Math.fround(value))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
