import { describe, expect, it } from 'vitest';
import { computeDepthStats } from '../depth-stats.ts';

describe('computeDepthStats', () => {
  it('when given 2, 4, 4, 4, 5, 5, 7, 9, returns min 2, max 9, mean 5 and population std 2', () => {
    const stats = computeDepthStats(Float32Array.from([2, 4, 4, 4, 5, 5, 7, 9]));
    expect(stats).toEqual({ min: 2, max: 9, mean: 5, std: 2 });
  });

  it('when all values are equal, returns std 0', () => {
    expect(computeDepthStats(Float32Array.from([3, 3, 3])).std).toBe(0);
  });

  it('when the map is empty, throws a RangeError', () => {
    expect(() => computeDepthStats(new Float32Array(0))).toThrow(RangeError);
  });
});
