import { describe, expect, it } from 'vitest';
import { COLORMAP_NAMES, getColormap } from '../colormaps.ts';
import { colorizeDepth, depthToUint16 } from '../encode-depth.ts';

function entry(name: string, index: number): number[] {
  return Array.from(getColormap(name).subarray(index * 3, index * 3 + 3));
}

function closeTo(actual: number[], expected: number[], tolerance: number): void {
  actual.forEach((v, i) => {
    expect(Math.abs(v - expected[i]!)).toBeLessThanOrEqual(tolerance);
  });
}

describe('colour maps', () => {
  it('every map is a 256-entry RGB table', () => {
    for (const name of COLORMAP_NAMES) expect(getColormap(name).length).toBe(768);
  });

  it('grey is the identity ramp', () => {
    expect(entry('grey', 0)).toEqual([0, 0, 0]);
    expect(entry('grey', 200)).toEqual([200, 200, 200]);
  });

  it('inferno and viridis match the matplotlib end colours within a few levels', () => {
    closeTo(entry('inferno', 0), [0, 0, 4], 5);
    closeTo(entry('inferno', 255), [252, 255, 164], 5);
    closeTo(entry('viridis', 0), [68, 1, 84], 5);
    closeTo(entry('viridis', 255), [253, 231, 37], 5);
  });

  it('inferno gets brighter from far to near', () => {
    const luma = (rgb: number[]) => 0.299 * rgb[0]! + 0.587 * rgb[1]! + 0.114 * rgb[2]!;
    for (let i = 16; i < 256; i += 16)
      expect(luma(entry('inferno', i))).toBeGreaterThan(luma(entry('inferno', i - 16)));
  });

  it('turbo runs from blue-dominant (far) to red-dominant (near)', () => {
    const far = entry('turbo', 20);
    const near = entry('turbo', 250);
    expect(far[2]!).toBeGreaterThan(far[0]!);
    expect(near[0]!).toBeGreaterThan(near[2]!);
  });

  it('when the name is unknown, the error lists the valid names', () => {
    expect(() => getColormap('jet')).toThrow(/inferno, turbo, viridis, grey/);
  });
});

describe('colorizeDepth', () => {
  it('when given min, mid and max values, picks LUT entries 0, 128 and 255', () => {
    const rgb = colorizeDepth(Float32Array.from([1, 2, 3]), 1, 3, getColormap('grey'));
    expect(Array.from(rgb)).toEqual([0, 0, 0, 128, 128, 128, 255, 255, 255]);
  });

  it('when the map is flat, uses entry 0 everywhere instead of dividing by zero', () => {
    const rgb = colorizeDepth(Float32Array.from([5, 5]), 5, 5, getColormap('grey'));
    expect(Array.from(rgb)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('depthToUint16', () => {
  it('when given min, a quarter and max, maps them to 0, 16384 and 65535', () => {
    expect(Array.from(depthToUint16(Float32Array.from([-1, 0, 3]), -1, 3))).toEqual([0, 16384, 65535]);
  });
});
