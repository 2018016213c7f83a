/** POST <prefix>/v1/detect: read the image, run one detection, answer JSON or an annotated JPEG. */

import type { DetectResponse } from '@mlip/catalogue';
import {
  observeTimings,
  type RouteDefinition,
  readImageRequest,
  serverTimingHeader,
} from '@mlip/service-kit';
import { detectImage } from '../domain/detect-image.ts';
import type { YoloContext } from '../server.ts';
import { DETECT_OPTION_PARAMETERS, parseDetectOptions } from './detect-options.ts';
import { DETECTION_RESULT_SCHEMA, IMAGE_REQUEST_BODY } from './openapi-schemas.ts';

export function detectRoute(ctx: YoloContext): RouteDefinition {
  return {
    method: 'post',
    path: '/v1/detect',
    inference: true,
    operation: {
      summary: 'Detect objects in one image (JSON, or image/jpeg with annotate=1 / Accept: image/jpeg)',
      parameters: DETECT_OPTION_PARAMETERS,
      requestBody: IMAGE_REQUEST_BODY,
      responses: {
        '200': {
          description: 'detections',
          content: { 'application/json': { schema: DETECTION_RESULT_SCHEMA }, 'image/jpeg': {} },
        },
      },
    },
    handler: async (req, res) => {
      const input = await readImageRequest(req, res, ctx.inputLimits);
      const options = parseDetectOptions(input.options);
      const annotate = options.annotate || wantsJpeg(req.headers.accept);
      const out = await ctx.runInference((model) =>
        detectImage(
          model.detector,
          input.image,
          options,
          annotate ? { jpegQuality: ctx.config.jpegQuality } : undefined,
        ),
      );
      observeTimings(ctx.metrics, out.result.timings);
      res.setHeader('Server-Timing', serverTimingHeader({ ...out.result.timings }));
      if (out.jpeg) {
        res.setHeader('X-Detections', String(out.result.detections.length));
        res.type('image/jpeg').send(out.jpeg);
        return;
      }
      const body: DetectResponse = { requestId: req.requestId, ...out.result };
      res.json(body);
    },
  };
}

/** `Accept: image/jpeg` asks for the annotated image; `*\/*` or JSON keeps JSON. */
function wantsJpeg(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept
    .split(',')
    .map((part) => part.split(';')[0]!.trim().toLowerCase())
    .some((type) => type === 'image/jpeg');
}
