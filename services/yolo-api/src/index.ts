export { type YoloConfig, yoloConfigKeys } from './config.ts';
export { COCO80_CLASS_NAMES, parseUltralyticsNames } from './domain/class-names.ts';
export { detectImage } from './domain/detect-image.ts';
export {
  createYoloDetector,
  DEFAULT_SESSION_CONFIG,
  type YoloDetector,
  type YoloDetectorOptions,
  type YoloModelInfo,
} from './domain/detector.ts';
export { computeLetterbox, type Letterbox, unletterboxBox } from './domain/letterbox.ts';
export type {
  Box,
  Detection,
  DetectionResult,
  DetectOptions,
  OutputLayout,
  Timings,
} from './domain/types.ts';
export { startYoloServer, stopYoloServer, type YoloServer, yoloService } from './server.ts';
