/** Summary of a depth map: range, mean and (population) standard deviation. */
export interface DepthStats {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly std: number;
}

export function computeDepthStats(values: Float32Array): DepthStats {
  if (values.length === 0) throw new RangeError('cannot compute stats of an empty depth map');
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const mean = sum / values.length;
  // Second pass on deviations: no catastrophic cancellation as with E[x^2] - E[x]^2.
  let squares = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! - mean;
    squares += d * d;
  }
  return { min, max, mean, std: Math.sqrt(squares / values.length) };
}
