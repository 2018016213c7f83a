/** Use case behind the detect routes: options -> detector -> optional annotated JPEG. */
import { encodeJpeg } from '@mlip/service-kit';
import { buildAnnotationSvg } from './annotate.ts';
import { resolveClassFilter } from './class-filter.ts';
import type { YoloDetector } from './detector.ts';
import type { DetectionResult } from './types.ts';

export interface DetectImageOptions {
  confidence?: number;
  iou?: number;
  maxDetections?: number;
  classes?: readonly (string | number)[] | undefined;
}

export async function detectImage(
  detector: YoloDetector,
  image: Buffer,
  options: DetectImageOptions,
  annotate?: { jpegQuality: number },
): Promise<{ result: DetectionResult; jpeg?: Buffer }> {
  const classes = resolveClassFilter(options.classes, detector.info.classes);
  const detectOptions = {
    ...(options.confidence !== undefined ? { confidence: options.confidence } : {}),
    ...(options.iou !== undefined ? { iou: options.iou } : {}),
    ...(options.maxDetections !== undefined ? { maxDetections: options.maxDetections } : {}),
    classes,
  };
  if (!annotate) return { result: await detector.detect(image, detectOptions) };
  const { result, image: decoded } = await detector.detectWithImage(image, detectOptions);
  const started = performance.now();
  const jpeg = await encodeJpeg(
    decoded,
    buildAnnotationSvg(decoded.width, decoded.height, result.detections),
    annotate.jpegQuality,
  );
  const encodeMs = Math.round((performance.now() - started) * 100) / 100;
  return {
    result: {
      ...result,
      timings: { ...result.timings, encodeMs, totalMs: result.timings.totalMs + encodeMs },
    },
    jpeg,
  };
}
