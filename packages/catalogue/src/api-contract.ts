/**
 * The JSON that yolo-api's detect route answers: the service types what it sends with it and the
 * web UI types what it reads, so a change on one side that breaks the other fails to compile.
 * Types only (nothing here exists at run time): the web UI imports them with `import type`, which
 * the browser build erases (its alias for this package points at services.ts alone).
 */

/** Pixel corners in the original (EXIF-upright) image: x1 < x2, y1 < y2. */
export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface Detection {
  /** COCO class index, 0..79 for the bundled model. */
  classId: number;
  label: string;
  /** 0..1. */
  confidence: number;
  box: Box;
}

/** Image size after EXIF orientation, as the service saw it. */
export interface ImageSize {
  width: number;
  height: number;
}

/** Milliseconds per stage (`decodeMs`, `preprocessMs`, `inferenceMs`, `postprocessMs`, `totalMs`...). */
export type StageTimings = Readonly<Record<string, number>>;

/** `POST /yoloapi/v1/detect` (JSON). */
export interface DetectResponse {
  requestId: string;
  model: { name: string; inputSize: [number, number]; layout: string };
  image: ImageSize;
  detections: Detection[];
  timings: StageTimings;
}
