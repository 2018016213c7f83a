/**
 * Options of `POST /depthapi/v1/depth` (see docs/api-contract.md): output format, colour map and
 * the objects to rank. Values come as strings (query string, multipart fields) or as JSON values
 * (JSON body); `boxes` and `points` may be JSON text in either.
 */
import { z } from 'zod';
import { COLORMAP_NAMES, type ColormapName } from './processing/colormaps.ts';
import type { DepthObject } from './processing/sample-objects.ts';

export const OUTPUT_FORMATS = ['json', 'png', 'png16', 'raw'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Most objects one request may rank (each costs a median over its box). */
export const MAX_OBJECTS = 1000;

export interface DepthOptions {
  readonly format: OutputFormat;
  readonly colormap: ColormapName;
  /** Present only when `boxes` or `points` were given. */
  readonly objects?: readonly DepthObject[];
}

/** An option that is out of range or of the wrong type; `option` names it. */
export class DepthOptionError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
    this.name = 'DepthOptionError';
  }
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
    .transform((r) => r.detections),
]);

const pointsSchema = z
  .array(z.object({ x: finite, y: finite, label: z.string().max(200).optional() }))
  .max(MAX_OBJECTS);

function parseEnum<T extends string>(option: string, raw: unknown, values: readonly T[], fallback: T): T {
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw === 'string' && (values as readonly string[]).includes(raw)) return raw as T;
  throw new DepthOptionError(
    option,
    `${option} must be one of ${values.join(', ')}, got ${JSON.stringify(raw)}`,
  );
}

function parseJsonOption<T>(
  option: string,
  raw: unknown,
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
): T | undefined {
  if (raw === undefined || raw === '') return undefined;
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new DepthOptionError(option, `${option} is not valid JSON`);
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new DepthOptionError(option, `${option} is invalid${where}: ${issue?.message ?? 'wrong shape'}`);
  }
  return parsed.data;
}

/** Parses raw option values (body values already merged over the query string by the caller). */
export function parseDepthOptions(raw: Readonly<Record<string, unknown>>): DepthOptions {
  const format = parseEnum('format', raw.format, OUTPUT_FORMATS, 'json');
  const colormap = parseEnum('colormap', raw.colormap, COLORMAP_NAMES, 'inferno');
  const boxes = parseJsonOption('boxes', raw.boxes, boxesSchema);
  const points = parseJsonOption('points', raw.points, pointsSchema);
  if (boxes === undefined && points === undefined) return { format, colormap };
  const objects: DepthObject[] = [
    ...(boxes ?? []).map((d) => ({ kind: 'box' as const, ...d })),
    ...(points ?? []).map(({ label, ...point }) => ({
      kind: 'point' as const,
      point,
      ...(label === undefined ? {} : { label }),
    })),
  ];
  if (objects.length > MAX_OBJECTS) {
    throw new DepthOptionError(
      'boxes',
      `at most ${MAX_OBJECTS} boxes and points in all, got ${objects.length}`,
    );
  }
  return { format, colormap, objects };
}
