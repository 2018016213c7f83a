/** YOLO label files (`class cx cy w h`, normalised 0..1) -> pixel boxes. */
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { GroundTruth } from './average-precision.ts';

export function parseYoloLabels(
  text: string,
  imageId: string,
  [height, width]: readonly [number, number],
): GroundTruth[] {
  const out: GroundTruth[] = [];
  for (const [lineNo, line] of text.split(/\r?\n/).entries()) {
    const fields = line.trim().split(/\s+/);
    if (fields.length === 1 && fields[0] === '') continue;
    const values = fields.map(Number);
    if (values.length < 5 || values.some((v) => !Number.isFinite(v))) {
      throw new Error(`${imageId}: line ${lineNo + 1} is not "class cx cy w h": ${line}`);
    }
    const [classId, cx, cy, w, h] = values as [number, number, number, number, number];
    out.push({
      imageId,
      classId,
      box: {
        x1: (cx - w / 2) * width,
        y1: (cy - h / 2) * height,
        x2: (cx + w / 2) * width,
        y2: (cy + h / 2) * height,
      },
    });
  }
  return out;
}

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.bmp']);

export interface LabelledImage {
  id: string;
  imagePath: string;
  labelPath: string;
}

/** Images of a folder paired with `<labels>/<same base name>.txt` (a missing label file = no objects). */
export async function listLabelledImages(imagesDir: string, labelsDir: string): Promise<LabelledImage[]> {
  const files = (await readdir(imagesDir))
    .filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()))
    .sort();
  return files.map((file) => {
    const id = basename(file, extname(file));
    return { id, imagePath: join(imagesDir, file), labelPath: join(labelsDir, `${id}.txt`) };
  });
}

export async function readLabelFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}
