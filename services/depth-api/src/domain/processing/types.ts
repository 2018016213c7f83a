/** Tuple orders are named so a `[height, width]` is never read as `[width, height]`. */
export type HeightWidth = readonly [height: number, width: number];

/** A single-channel float map in row-major order (`data.length === height * width`). */
export interface DepthMap {
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
}
