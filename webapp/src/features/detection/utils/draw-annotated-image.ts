import type { IndexedDetection } from '../types.ts';
import { colorForClass, formatConfidence } from './filter-detections.ts';

/** The photo with the given boxes and labels drawn at full resolution, as a PNG blob. */
export async function drawAnnotatedImage(image: Blob, detections: IndexedDetection[]): Promise<Blob> {
  // createImageBitmap applies EXIF orientation by default, like the service does.
  const bitmap = await createImageBitmap(image);
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('canvas 2d context is not available');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const lineWidth = Math.max(2, Math.round(Math.min(canvas.width, canvas.height) / 300));
  const fontSize = Math.max(12, lineWidth * 6);
  ctx.font = `600 ${fontSize}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  for (const d of detections) {
    const color = colorForClass(d.classId);
    const { x1, y1, x2, y2 } = d.box;
    ctx.strokeStyle = color;
    ctx.lineWidth = lineWidth;
    ctx.strokeRect(x1, y1, x2 - x1, y2 - y1);
    const text = `${d.label} ${formatConfidence(d.confidence)}`;
    const textWidth = ctx.measureText(text).width + 8;
    const labelY = y1 - fontSize - 6 >= 0 ? y1 - fontSize - 6 : y1;
    ctx.fillStyle = color;
    ctx.fillRect(x1, labelY, textWidth, fontSize + 6);
    ctx.fillStyle = '#000';
    ctx.fillText(text, x1 + 4, labelY + 3);
  }
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('PNG encoding failed'))), 'image/png'),
  );
}
