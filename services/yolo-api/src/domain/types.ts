/** Shapes shared by the detection pipeline. Tuple order is named: sizes are `[height, width]`. */

export type HeightWidth = readonly [height: number, width: number];

/** The wire shapes of a box and a detection: the contract shared with the web UI. */
import type { Box, Detection } from '@mlip/catalogue';

export type { Box, Detection };

/** YOLOv8/v11: `[1, 4+C, N]` (no objectness); YOLOv5: `[1, N, 5+C]` (objectness x class score). */
export type OutputLayout = 'v8' | 'v5';

export interface DetectOptions {
  /** Minimum score, 0..1. */
  confidence: number;
  /** NMS IoU threshold, 0..1. */
  iou: number;
  maxDetections: number;
  /** Keep only these class ids; undefined = all. */
  classes?: ReadonlySet<number> | undefined;
}

export const DEFAULT_DETECT_OPTIONS: DetectOptions = Object.freeze({
  confidence: 0.25,
  iou: 0.45,
  maxDetections: 300,
});

export type Timings = {
  decodeMs: number;
  preprocessMs: number;
  inferenceMs: number;
  postprocessMs: number;
  /** Annotated JPEG encoding, only when one was asked for. */
  encodeMs?: number;
  totalMs: number;
};

export interface DetectionResult {
  model: { name: string; inputSize: [number, number]; layout: OutputLayout };
  image: { width: number; height: number };
  detections: Detection[];
  timings: Timings;
}
