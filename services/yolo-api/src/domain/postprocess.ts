/** Output tensor -> detections in original-image pixels, pure. */
import { decodeCandidates } from './decode-output.ts';
import { type Letterbox, unletterboxBox } from './letterbox.ts';
import { nonMaxSuppression } from './nms.ts';
import type { Detection, DetectOptions, OutputLayout } from './types.ts';

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

export function postprocessDetections(
  output: { data: Float32Array; dims: readonly number[] },
  letterbox: Letterbox,
  options: DetectOptions,
  classNames: readonly string[],
): { detections: Detection[]; layout: OutputLayout } {
  const candidates = decodeCandidates(
    output.data,
    output.dims,
    options.confidence,
    options.classes,
    classNames.length > 0 ? classNames.length : undefined,
  );
  const kept = nonMaxSuppression(candidates, options.iou, options.maxDetections);
  const detections: Detection[] = [];
  for (const i of kept) {
    const box = unletterboxBox(
      {
        x1: candidates.boxes[i * 4]!,
        y1: candidates.boxes[i * 4 + 1]!,
        x2: candidates.boxes[i * 4 + 2]!,
        y2: candidates.boxes[i * 4 + 3]!,
      },
      letterbox,
    );
    const rounded = {
      x1: round(box.x1, 1),
      y1: round(box.y1, 1),
      x2: round(box.x2, 1),
      y2: round(box.y2, 1),
    };
    // Fully clipped boxes (outside the image) carry no information, nor do boxes thinner than the
    // 0.1 px rounding (they would break the contract's x1 < x2, y1 < y2).
    if (rounded.x2 <= rounded.x1 || rounded.y2 <= rounded.y1) continue;
    const classId = candidates.classIds[i]!;
    detections.push({
      classId,
      label: classNames[classId] ?? `class${classId}`,
      confidence: round(candidates.scores[i]!, 4),
      box: rounded,
    });
  }
  return { detections, layout: candidates.layout };
}
