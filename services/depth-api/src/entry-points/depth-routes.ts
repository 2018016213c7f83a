/**
 * `POST <prefix>/v1/depth`: read the image and options, run the estimator in an admission slot,
 * answer in the requested format. Shapes follow docs/api-contract.md (depth-api).
 */
import {
  observeTimings,
  type RouteDefinition,
  readImageRequest,
  type ServiceContext,
  serverTimingHeader,
} from '@mlip/service-kit';
import type { Request, Response } from 'express';
import type { DepthConfig } from '../config.ts';
import type { DepthModelInfo, DepthResult } from '../depth-estimator.ts';
import { type DepthOptions, OUTPUT_FORMATS, parseDepthOptions } from '../domain/depth-options.ts';
import { COLORMAP_NAMES } from '../domain/processing/colormaps.ts';
import type { DepthModelHandle } from './depth-model-handle.ts';

type DepthContext = ServiceContext<DepthConfig, DepthModelHandle>;

function jsonBody(req: Request, info: DepthModelInfo, options: DepthOptions, result: DepthResult) {
  const { estimate, encoded } = result;
  return {
    requestId: req.requestId,
    model: {
      name: info.name,
      inputSize: estimate.inputSize,
      dynamic: info.dynamic,
    },
    image: estimate.image,
    stats: estimate.stats,
    timings: estimate.timings,
    depthMap: {
      mimeType: encoded.mimeType,
      colormap: options.colormap,
      width: estimate.depth.width,
      height: estimate.depth.height,
      base64: encoded.body.toString('base64'),
    },
    ...(estimate.objects ? { objects: estimate.objects } : {}),
  };
}

function sendBinary(res: Response, result: DepthResult): void {
  const { estimate, encoded } = result;
  res.setHeader('Content-Type', encoded.mimeType);
  res.setHeader('Server-Timing', serverTimingHeader({ ...estimate.timings }));
  res.setHeader('X-Depth-Width', String(estimate.depth.width));
  res.setHeader('X-Depth-Height', String(estimate.depth.height));
  res.setHeader('X-Depth-Min', String(estimate.stats.min));
  res.setHeader('X-Depth-Max', String(estimate.stats.max));
  res.send(encoded.body);
}

async function handleDepth(context: DepthContext, req: Request, res: Response): Promise<void> {
  const input = await readImageRequest(req, res, context.inputLimits);
  const options = parseDepthOptions(input.options);
  const { info, result } = await context.runInference(async ({ estimator }) => ({
    info: estimator.info,
    result: await estimator.estimate(input.image, options),
  }));
  observeTimings(context.metrics, result.estimate.timings);
  if (options.format === 'json') {
    res.json(jsonBody(req, info, options, result));
    return;
  }
  sendBinary(res, result);
}

export function depthRoutes(context: DepthContext): RouteDefinition[] {
  return [
    {
      method: 'post',
      path: '/v1/depth',
      inference: true,
      operation: {
        summary: 'Relative depth map of one image; optional boxes/points ranked nearest first',
        parameters: [
          {
            name: 'format',
            in: 'query',
            schema: { type: 'string', enum: [...OUTPUT_FORMATS], default: 'json' },
          },
          {
            name: 'colormap',
            in: 'query',
            schema: { type: 'string', enum: [...COLORMAP_NAMES], default: 'inferno' },
          },
          {
            name: 'boxes',
            in: 'query',
            schema: { type: 'string' },
            description: 'JSON detections or yolo-api response',
          },
          { name: 'points', in: 'query', schema: { type: 'string' }, description: 'JSON [{x, y, label?}]' },
        ],
        requestBody: {
          content: {
            'multipart/form-data': {
              schema: { type: 'object', properties: { image: { type: 'string', format: 'binary' } } },
            },
            'image/*': { schema: { type: 'string', format: 'binary' } },
            'application/json': {
              schema: {
                type: 'object',
                properties: { image: { type: 'string' }, imageUrl: { type: 'string' } },
              },
            },
          },
        },
        responses: {
          '200': {
            description:
              'json (default), png, png16 (16-bit grey PNG) or raw (float32 LE, X-Depth-* headers)',
            content: {
              'application/json': { schema: { type: 'object' } },
              'image/png': { schema: { type: 'string', format: 'binary' } },
              'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
            },
          },
        },
      },
      handler: (req, res) => handleDepth(context, req, res),
    },
  ];
}
