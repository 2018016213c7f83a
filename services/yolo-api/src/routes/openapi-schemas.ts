import type { JsonSchema } from '@mlip/service-kit';

const box: JsonSchema = {
  type: 'object',
  required: ['x1', 'y1', 'x2', 'y2'],
  properties: {
    x1: { type: 'number' },
    y1: { type: 'number' },
    x2: { type: 'number' },
    y2: { type: 'number' },
  },
};

export const DETECTION_RESULT_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['requestId', 'model', 'image', 'detections', 'timings'],
  properties: {
    requestId: { type: 'string' },
    model: {
      type: 'object',
      properties: {
        name: { type: 'string' },
        inputSize: { type: 'array', items: { type: 'integer' } },
        layout: { enum: ['v8', 'v5'] },
      },
    },
    image: { type: 'object', properties: { width: { type: 'integer' }, height: { type: 'integer' } } },
    detections: {
      type: 'array',
      items: {
        type: 'object',
        required: ['classId', 'label', 'confidence', 'box'],
        properties: {
          classId: { type: 'integer' },
          label: { type: 'string' },
          confidence: { type: 'number' },
          box,
        },
      },
    },
    timings: {
      type: 'object',
      properties: Object.fromEntries(
        ['decodeMs', 'preprocessMs', 'inferenceMs', 'postprocessMs', 'totalMs'].map((k) => [
          k,
          { type: 'number' },
        ]),
      ),
    },
  },
};

export const IMAGE_REQUEST_BODY = {
  required: true,
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object',
        required: ['image'],
        properties: { image: { type: 'string', format: 'binary' } },
      },
    },
    'image/*': { schema: { type: 'string', format: 'binary' } },
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          image: { type: 'string', description: 'base64 or data: URL' },
          imageUrl: { type: 'string', format: 'uri', description: 'only with URL_ALLOWLIST' },
        },
      },
    },
  },
};
