/**
 * Where the load simulator's images come from: image folders (default: the two
 * samples and COCO val2017) or a manifest. A manifest is a JSON array or JSON lines;
 * each entry is a path string, `{path}` / `{file}` / `{image}`, or the COCO-style
 * `{req_id, image_id, coco_url}` entry of the YOLO-on-Fargate simulator. Entries with
 * only a `coco_url` are resolved to the local COCO copy by file name when bytes are
 * needed (detect, depth, flow); `predict_json` sends the entry itself.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { cocoDir, samplesDir } from '@mlip/catalogue';

export interface LoadImage {
  /** Display name (file name or manifest image_id). */
  name: string;
  /** Local file, when there is one. */
  path: string | null;
  bytes: Buffer | null;
  contentType: string;
  /** Body for `/yoloapi/predict_json` (`req_id` is replaced per request). */
  cocoEntry: { image_id: string; coco_url: string } | null;
}

const CONTENT_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.avif': 'image/avif',
};

export function contentTypeFor(file: string): string | undefined {
  return CONTENT_TYPES[extname(file).toLowerCase()];
}

export function defaultImageDirs(): string[] {
  return [samplesDir(), join(cocoDir(), 'images', 'val2017')];
}

/** COCO split a folder holds, from its name (`train2017`, `val2017`); val2017 otherwise. */
function cocoSplitOf(dir: string): string {
  const name = basename(dir);
  return /^(train|val|test)\d{4}$/.test(name) ? name : 'val2017';
}

function cocoEntryForFile(file: string, split: string): LoadImage['cocoEntry'] {
  const stem = basename(file, extname(file));
  if (!/^\d+$/.test(stem)) return null;
  return {
    image_id: String(Number(stem)),
    coco_url: `http://images.cocodataset.org/${split}/${basename(file)}`,
  };
}

function imageFromFile(path: string, split: string): LoadImage {
  return {
    name: basename(path),
    path,
    bytes: readFileSync(path),
    contentType: contentTypeFor(path) ?? 'application/octet-stream',
    cocoEntry: cocoEntryForFile(path, split),
  };
}

export function loadImagesFromDirs(dirs: readonly string[]): LoadImage[] {
  const images: LoadImage[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`image folder not found: ${dir}`);
    const files = readdirSync(dir)
      .filter((f) => contentTypeFor(f) !== undefined)
      .sort();
    for (const file of files) images.push(imageFromFile(join(dir, file), cocoSplitOf(dir)));
  }
  if (images.length === 0) throw new Error(`no images (jpg, png, webp...) in ${dirs.join(', ')}`);
  return images;
}

type ManifestEntry = string | Record<string, unknown>;

export function parseManifestText(text: string): ManifestEntry[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  if (trimmed.startsWith('[')) {
    const parsed: unknown = JSON.parse(trimmed);
    if (!Array.isArray(parsed)) throw new Error('manifest JSON must be an array');
    return parsed as ManifestEntry[];
  }
  return trimmed
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line, i) => {
      try {
        return JSON.parse(line) as ManifestEntry;
      } catch {
        // A bare path per line is also accepted.
        if (line.startsWith('{')) throw new Error(`manifest line ${i + 1} is not valid JSON`);
        return line;
      }
    });
}

function localCocoFile(cocoUrl: string): string | null {
  const match = /\/(train2017|val2017)\/([^/?#]+)$/.exec(cocoUrl);
  if (!match) return null;
  const candidate = join(cocoDir(), 'images', match[1]!, match[2]!);
  return existsSync(candidate) ? candidate : null;
}

export function loadImagesFromManifest(manifestPath: string, needBytes: boolean): LoadImage[] {
  const baseDir = dirname(resolve(manifestPath));
  const entries = parseManifestText(readFileSync(manifestPath, 'utf8'));
  const images = entries.map((entry, i): LoadImage => {
    const where = `manifest entry ${i + 1}`;
    const fileField = typeof entry === 'string' ? entry : (entry.path ?? entry.file ?? entry.image);
    if (typeof fileField === 'string') {
      const path = resolve(baseDir, fileField);
      if (!existsSync(path)) throw new Error(`${where}: file not found: ${path}`);
      return imageFromFile(path, cocoSplitOf(dirname(path)));
    }
    if (typeof entry === 'object' && entry !== null && typeof entry.coco_url === 'string') {
      const cocoUrl = entry.coco_url;
      const imageId = String(entry.image_id ?? basename(cocoUrl));
      const local = localCocoFile(cocoUrl);
      if (needBytes && !local) {
        throw new Error(`${where}: ${cocoUrl} has no local copy in ${cocoDir()} (needed for this --api)`);
      }
      return {
        name: imageId,
        path: local,
        bytes: needBytes && local ? readFileSync(local) : null,
        contentType: local ? (contentTypeFor(local) ?? 'image/jpeg') : 'image/jpeg',
        cocoEntry: { image_id: imageId, coco_url: cocoUrl },
      };
    }
    throw new Error(`${where}: expected a path, {path}, or {req_id, image_id, coco_url}`);
  });
  if (images.length === 0) throw new Error(`manifest ${manifestPath} has no entries`);
  return images;
}
