/**
 * YOLO label files (`class cx cy w h`, normalised to the image size) and how each image
 * transform maps them. Boxes are normalised, so rescaling and re-encoding leave them as
 * they are; a horizontal mirror maps cx to 1 - cx. EXIF-rotated files display exactly the
 * original image, so their labels (which describe the displayed image) are unchanged too.
 */

export interface YoloLabel {
  classId: number;
  cx: number;
  cy: number;
  w: number;
  h: number;
}

export function parseYoloLabels(text: string): YoloLabel[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line, i) => {
      const parts = line.split(/\s+/).map(Number);
      if (parts.length !== 5 || parts.some((v) => !Number.isFinite(v))) {
        throw new Error(`label line ${i + 1} is not "class cx cy w h": ${line}`);
      }
      const [classId, cx, cy, w, h] = parts as [number, number, number, number, number];
      return { classId, cx, cy, w, h };
    });
}

export function formatYoloLabels(labels: readonly YoloLabel[]): string {
  const n = (v: number) => Number(v.toFixed(6)).toString();
  return (
    labels.map((l) => `${l.classId} ${n(l.cx)} ${n(l.cy)} ${n(l.w)} ${n(l.h)}`).join('\n') +
    (labels.length ? '\n' : '')
  );
}

export function mirrorLabelsHorizontally(labels: readonly YoloLabel[]): YoloLabel[] {
  return labels.map((l) => ({ ...l, cx: 1 - l.cx }));
}

/** Pixel box [x1, y1, x2, y2] of a label in an image of the given size. */
export function labelToPixelBox(
  label: YoloLabel,
  [height, width]: [number, number],
): [number, number, number, number] {
  return [
    (label.cx - label.w / 2) * width,
    (label.cy - label.h / 2) * height,
    (label.cx + label.w / 2) * width,
    (label.cy + label.h / 2) * height,
  ];
}
