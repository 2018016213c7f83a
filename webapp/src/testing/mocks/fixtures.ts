import type { DepthResponse } from '@/features/depth/types.ts';
import type { DetectionResponse } from '@/features/detection/types.ts';

/** Shaped like yolo-api's answer for bus.jpg (810x1080), with one low-confidence box. */
export const detectionFixture: DetectionResponse = {
  requestId: 'req-detect-1',
  model: { name: 'yolov8n_int8', inputSize: [640, 640], layout: 'v8' },
  image: { width: 810, height: 1080 },
  detections: [
    { classId: 5, label: 'bus', confidence: 0.87, box: { x1: 17.2, y1: 230.1, x2: 801.5, y2: 768.9 } },
    { classId: 0, label: 'person', confidence: 0.81, box: { x1: 48, y1: 398, x2: 245, y2: 902 } },
    { classId: 0, label: 'person', confidence: 0.35, box: { x1: 670, y1: 380, x2: 810, y2: 880 } },
    { classId: 0, label: 'person', confidence: 0.12, box: { x1: 0, y1: 550, x2: 60, y2: 870 } },
  ],
  timings: { decodeMs: 9.1, preprocessMs: 6.2, inferenceMs: 41, postprocessMs: 1.3, totalMs: 58.4 },
};

// 1x1 transparent PNG.
const PNG_1X1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** Objects deliberately not in rank order in the JSON: the UI must sort by rank. */
export const depthFixture: DepthResponse = {
  requestId: 'req-depth-1',
  model: { name: 'depth_anything_v2_small', inputSize: [518, 518], dynamic: true },
  image: { width: 810, height: 1080 },
  stats: { min: 0, max: 10, mean: 4, std: 2 },
  timings: { decodeMs: 8, preprocessMs: 5, inferenceMs: 300, postprocessMs: 4, encodeMs: 12, totalMs: 329 },
  depthMap: { mimeType: 'image/png', colormap: 'inferno', width: 810, height: 1080, base64: PNG_1X1 },
  objects: [
    {
      index: 0,
      kind: 'box',
      label: 'bus',
      classId: 5,
      confidence: 0.87,
      medianDepth: 4,
      centerDepth: 4,
      rank: 2,
    },
    {
      index: 1,
      kind: 'box',
      label: 'person',
      classId: 0,
      confidence: 0.81,
      medianDepth: 9,
      centerDepth: 9,
      rank: 0,
    },
    {
      index: 2,
      kind: 'box',
      label: 'person',
      classId: 0,
      confidence: 0.35,
      medianDepth: 6,
      centerDepth: 6,
      rank: 1,
    },
    {
      index: 3,
      kind: 'box',
      label: 'person',
      classId: 0,
      confidence: 0.12,
      medianDepth: 2,
      centerDepth: 2,
      rank: 3,
    },
  ],
};
