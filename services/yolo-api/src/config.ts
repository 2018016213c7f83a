/** yolo-api configuration: the common service keys (see @mlip/service-kit) plus its own. */
import { SERVICES } from '@mlip/catalogue';
import { type ConfigOf, commonConfigKeys, configKey } from '@mlip/service-kit';
import { z } from 'zod';

export const service = SERVICES['yolo-api'];

export const yoloConfigKeys = {
  ...commonConfigKeys(service),
  // The model runs one request at a time (in its worker thread, or blocking the main thread with
  // ORT_WORKER_THREAD=0), and a slot covers decode + run + postprocess: with one slot the next image is
  // decoded only after the previous answer, with two it decodes (libuv pool) while the model runs.
  // Saturation throughput +14-33 % (main thread) and +18 % (worker) over one slot in side-by-side runs
  // (docs/benchmarks.md); latency at concurrency 1 unchanged.
  maxConcurrency: configKey(
    'MAX_CONCURRENCY',
    z.coerce.number().int().min(1).max(64).default(2),
    'Requests processed at once (2: the next image decodes while the model runs; runs never overlap)',
  ),
  jpegQuality: configKey(
    'ANNOTATE_JPEG_QUALITY',
    z.coerce.number().int().min(1).max(100).default(85),
    'JPEG quality of annotated images',
  ),
};

export type YoloConfig = ConfigOf<typeof yoloConfigKeys>;
