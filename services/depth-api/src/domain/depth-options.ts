/**
 * Options of `POST /depthapi/v1/depth` (docs/api-contract.md): output format, colour map and the
 * objects to rank. Parsed with service-kit's option parsers, so every bad value is a 400
 * INVALID_OPTION naming the option.
 */
import { apiError, enumOption, jsonOption, parseOptions, type RawOptions } from '@mlip/service-kit';
import { z } from 'zod';
import { COLORMAP_NAMES, type ColormapName } from './processing/colormaps.ts';
import type { DepthObject } from './processing/sample-objects.ts';

export const OUTPUT_FORMATS = ['json', 'png', 'png16', 'raw'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Most boxes and points one request may rank (each costs a median over its pixels). */
export const MAX_OBJECTS = 1000;

export interface DepthOptions {
  readonly format: OutputFormat;
  readonly colormap: ColormapName;
  /** Present only when `boxes` or `points` were given: boxes first, then points. */
  readonly objects?: readonly DepthObject[];
}

const finite = z.number().finite();

const detectionSchema = z.object({
  classId: z.number().int().nonnegative().optional(),
  label: z.string().max(200).optional(),
  confidence: z.number().min(0).max(1).optional(),
  box: z
    .object({ x1: finite, y1: finite, x2: finite, y2: finite })
    .refine((b) => b.x1 < b.x2 && b.y1 < b.y2, 'box needs x1 < x2 and y1 < y2'),
});

const boxesSchema = z.union([
  z.array(detectionSchema).max(MAX_OBJECTS),
  // A whole yolo-api response: its detections are used.
  z
    .object({ detections: z.array(detectionSchema).max(MAX_OBJECTS) })
    .transform((response) => response.detections),
]);

const pointsSchema = z
  .array(z.object({ x: finite, y: finite, label: z.string().max(200).optional() }))
  .max(MAX_OBJECTS);

const DEPTH_OPTION_SPEC = {
  format: enumOption(OUTPUT_FORMATS, 'json'),
  colormap: enumOption(COLORMAP_NAMES, 'inferno'),
  boxes: jsonOption(boxesSchema),
  points: jsonOption(pointsSchema),
};

/** Parses raw option values (body fields already merged over the query string by service-kit). */
export function parseDepthOptions(raw: RawOptions): DepthOptions {
  const { format, colormap, boxes, points } = parseOptions(DEPTH_OPTION_SPEC, raw);
  if (boxes === undefined && points === undefined) return { format, colormap };
  const objects: DepthObject[] = [
    ...(boxes ?? []).map((detection) => ({ kind: 'box' as const, ...detection })),
    ...(points ?? []).map(({ label, ...point }) => ({
      kind: 'point' as const,
      point,
      ...(label === undefined ? {} : { label }),
    })),
  ];
  if (objects.length > MAX_OBJECTS) {
    throw apiError('INVALID_OPTION', `at most ${MAX_OBJECTS} boxes and points in all, got ${objects.length}`);
  }
  return { format, colormap, objects };
}
