/**
 * Depth to displayable values over any depth map: the 16-bit encoding spans exactly 0..65535 from
 * the map's min to its max and keeps the order of the depths; the grey colour map (identity LUT)
 * shows the same for the 8-bit path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getColormap } from '../colormaps.ts';
import { computeDepthStats } from '../depth-stats.ts';
import { colorizeDepth, depthToUint16 } from '../encode-depth.ts';

const depthArb = fc.array(
  fc.oneof(fc.float({ min: -50, max: 50, noNaN: true }), fc.float({ noNaN: true, noDefaultInfinity: true })),
  { minLength: 1, maxLength: 300 },
);

describe('depth encoding (properties)', () => {
  it('16-bit: min maps to 0, max to 65535 (a flat map to 0), and the order of depths is kept', () => {
    fc.assert(
      fc.property(depthArb, (list) => {
        const values = Float32Array.from(list);
        const { min, max } = computeDepthStats(values);
        const out = depthToUint16(values, min, max);
        const flat = min === max;
        for (let i = 0; i < values.length; i++) {
          if (values[i] === min) expect(out[i]).toBe(0);
          if (values[i] === max) expect(out[i]).toBe(flat ? 0 : 65535);
          for (let j = 0; j < values.length; j++) {
            if (values[i]! < values[j]!) expect(out[i]!).toBeLessThanOrEqual(out[j]!);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('8-bit (grey map): min is black, max is white, the order of depths is kept', () => {
    const grey = getColormap('grey');
    fc.assert(
      fc.property(depthArb, (list) => {
        const values = Float32Array.from(list);
        const { min, max } = computeDepthStats(values);
        const rgb = colorizeDepth(values, min, max, grey);
        const level = (i: number) => rgb[i * 3]!;
        for (let i = 0; i < values.length; i++) {
          expect(rgb[i * 3]).toBe(rgb[i * 3 + 1]);
          if (values[i] === min) expect(level(i)).toBe(0);
          if (values[i] === max && min !== max) expect(level(i)).toBe(255);
          for (let j = 0; j < values.length; j++) {
            if (values[i]! < values[j]!) expect(level(i)).toBeLessThanOrEqual(level(j));
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
