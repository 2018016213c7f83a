/**
 * Request id (X-Request-Id in and out) and one access-log line per request.
 */
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from './logger.ts';
import type { ServiceMetrics } from './metrics.ts';

/** A client-supplied id is echoed only when it is a sane token (no header or log injection). */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

declare global {
  namespace Express {
    interface Request {
      requestId: string;
      log: Logger;
      /** Route template used for metrics labels (set by the route helper). */
      routeLabel?: string;
    }
  }
}

export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && SANE_REQUEST_ID.test(value) ? value : randomUUID();
}

export function requestContextMiddleware(log: Logger, metrics: ServiceMetrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    req.requestId = requestIdFrom(req.headers['x-request-id']);
    req.log = log.child({ requestId: req.requestId });
    res.setHeader('X-Request-Id', req.requestId);
    res.on('finish', () => {
      const durationMs = performance.now() - started;
      const route = req.routeLabel ?? 'unmatched';
      metrics.httpRequests.inc({ route, method: req.method, status: String(res.statusCode) });
      metrics.httpDuration.observe({ route, method: req.method }, durationMs / 1000);
      req.log.info(
        {
          method: req.method,
          url: req.originalUrl,
          status: res.statusCode,
          durationMs: Math.round(durationMs * 10) / 10,
        },
        'request',
      );
    });
    next();
  };
}
