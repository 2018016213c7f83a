import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export const STAGES = ['decode', 'preprocess', 'inference', 'postprocess', 'encode', 'total'] as const;
export type Stage = (typeof STAGES)[number];

/** One registry per service (tests start several in one process). */
export function createServiceMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10];
  return {
    registry,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by route, method and status',
      labelNames: ['route', 'method', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['route', 'method'],
      buckets: latencyBuckets,
      registers: [registry],
    }),
    stageDuration: new Histogram({
      name: 'inference_stage_duration_seconds',
      help: 'Duration of each inference stage (decode, preprocess, inference, postprocess, encode, total)',
      labelNames: ['stage'],
      buckets: latencyBuckets,
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'inference_in_flight',
      help: 'Inferences running now',
      registers: [registry],
    }),
    queued: new Gauge({
      name: 'inference_queued',
      help: 'Requests waiting for an inference slot',
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'inference_rejected_total',
      help: 'Requests refused by admission control',
      labelNames: ['reason'],
      registers: [registry],
    }),
    modelLoadSeconds: new Gauge({
      name: 'model_load_seconds',
      help: 'Time to load and warm up the model',
      registers: [registry],
    }),
    modelReady: new Gauge({
      name: 'model_ready',
      help: '1 when the model is loaded and warm',
      registers: [registry],
    }),
  };
}

export type ServiceMetrics = ReturnType<typeof createServiceMetrics>;

/** Records stage timings (milliseconds, as in the API's `timings`). */
export function observeTimings(
  metrics: ServiceMetrics,
  timings: Partial<Record<`${Stage}Ms`, number>>,
): void {
  for (const stage of STAGES) {
    const ms = timings[`${stage}Ms`];
    if (typeof ms === 'number') metrics.stageDuration.observe({ stage }, ms / 1000);
  }
}

/** `Server-Timing` header value from the API's `timings`. */
export function serverTimingHeader(timings: Record<string, number>): string {
  return Object.entries(timings)
    .map(([key, ms]) => `${key.replace(/Ms$/, '')};dur=${ms.toFixed(1)}`)
    .join(', ');
}
