/**
 * POST <prefix>/predict_json: the YOLO-on-Fargate load simulator's format
 * `{req_id, image_id, coco_url}`; `coco_url` goes through the same allowlist and SSRF checks as `imageUrl`.
 */
import {
  apiError,
  fetchImageUrl,
  observeTimings,
  type RouteDefinition,
  readJsonBody,
  serverTimingHeader,
} from '@mlip/service-kit';
import { detectImage } from '../domain/detect-image.ts';
import type { YoloContext } from '../server.ts';
import { DETECTION_RESULT_SCHEMA } from './openapi-schemas.ts';

const idOf = (value: unknown, name: string) => {
  if (value === undefined || typeof value === 'string' || typeof value === 'number') return value;
  throw apiError('BAD_REQUEST', `"${name}" must be a string or a number`);
};

export function predictJsonRoute(ctx: YoloContext): RouteDefinition {
  return {
    method: 'post',
    path: '/predict_json',
    inference: true,
    operation: {
      summary: 'Detect objects in a COCO image given by URL (load-simulator format)',
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['coco_url'],
              properties: {
                req_id: { type: 'string' },
                image_id: { type: 'string' },
                coco_url: { type: 'string', format: 'uri' },
              },
            },
          },
        },
      },
      responses: {
        '200': {
          description: 'detections',
          content: { 'application/json': { schema: DETECTION_RESULT_SCHEMA } },
        },
      },
    },
    handler: async (req, res) => {
      const body = await readJsonBody(req, res, ctx.inputLimits);
      const reqId = idOf(body.req_id, 'req_id');
      const imageId = idOf(body.image_id, 'image_id');
      if (typeof body.coco_url !== 'string' || body.coco_url.length === 0) {
        throw apiError('MISSING_IMAGE', '"coco_url" is required');
      }
      const image = await fetchImageUrl(body.coco_url, ctx.inputLimits.url);
      const { result } = await ctx.runInference((model) => detectImage(model.detector, image, {}));
      observeTimings(ctx.metrics, result.timings);
      res.setHeader('Server-Timing', serverTimingHeader({ ...result.timings }));
      res.json({
        req_id: reqId,
        image_id: imageId,
        requestId: req.requestId,
        image: result.image,
        detections: result.detections,
        timings: result.timings,
      });
    },
  };
}
