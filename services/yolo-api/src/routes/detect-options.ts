/** Options of the detect route (docs/api-contract.md, yolo-api). */
import {
  booleanOption,
  listOption,
  numberOption,
  type OptionsOf,
  parseOptions,
  type RawOptions,
} from '@mlip/service-kit';

export const DETECT_OPTION_SPEC = {
  confidence: numberOption({ min: 0, max: 1, default: 0.25 }),
  iou: numberOption({ min: 0, max: 1, default: 0.45 }),
  maxDetections: numberOption({ min: 1, max: 1000, integer: true, default: 300 }),
  classes: listOption(),
  annotate: booleanOption(false),
};

export type DetectRequestOptions = OptionsOf<typeof DETECT_OPTION_SPEC>;

export const parseDetectOptions = (raw: RawOptions): DetectRequestOptions =>
  parseOptions(DETECT_OPTION_SPEC, raw);

export const DETECT_OPTION_PARAMETERS = [
  { name: 'confidence', in: 'query', schema: { type: 'number', minimum: 0, maximum: 1, default: 0.25 } },
  { name: 'iou', in: 'query', schema: { type: 'number', minimum: 0, maximum: 1, default: 0.45 } },
  {
    name: 'maxDetections',
    in: 'query',
    schema: { type: 'integer', minimum: 1, maximum: 1000, default: 300 },
  },
  {
    name: 'classes',
    in: 'query',
    description: 'comma-separated class ids or names',
    schema: { type: 'string' },
  },
  {
    name: 'annotate',
    in: 'query',
    description: '1 = return image/jpeg with boxes drawn',
    schema: { type: 'string', enum: ['0', '1'] },
  },
];
