/** SVG overlay with boxes and labels for the annotated JPEG, pure (sharp composites it in the adapter). */
import type { Detection } from './types.ts';

const PALETTE = [
  '#FF3838',
  '#FF9D97',
  '#FF701F',
  '#FFB21D',
  '#CFD231',
  '#48F90A',
  '#92CC17',
  '#3DDB86',
  '#1A9334',
  '#00D4BB',
  '#2C99A8',
  '#00C2FF',
  '#344593',
  '#6473FF',
  '#0018EC',
  '#8438FF',
  '#520085',
  '#CB38FF',
  '#FF95C8',
  '#FF37C7',
];

const escapeXml = (text: string) =>
  text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );

export function buildAnnotationSvg(width: number, height: number, detections: readonly Detection[]): string {
  const stroke = Math.max(2, Math.round(Math.max(width, height) / 300));
  const fontSize = Math.max(12, Math.round(Math.max(width, height) / 50));
  const parts = detections.map((d) => {
    const color = PALETTE[d.classId % PALETTE.length]!;
    const { x1, y1, x2, y2 } = d.box;
    const label = `${escapeXml(d.label)} ${d.confidence.toFixed(2)}`;
    const labelWidth = Math.round(label.length * fontSize * 0.6 + 6);
    const labelY = y1 - fontSize - 4 >= 0 ? y1 - fontSize - 4 : y1;
    return [
      `<rect x="${x1}" y="${y1}" width="${x2 - x1}" height="${y2 - y1}" fill="none" stroke="${color}" stroke-width="${stroke}"/>`,
      `<rect x="${x1}" y="${labelY}" width="${labelWidth}" height="${fontSize + 4}" fill="${color}"/>`,
      `<text x="${x1 + 3}" y="${labelY + fontSize}" font-family="sans-serif" font-size="${fontSize}" fill="#fff">${label}</text>`,
    ].join('');
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}
