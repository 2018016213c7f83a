/** The one place errors become HTTP: `{error:{code,message,requestId}}`, never a stack. */
import type { NextFunction, Request, Response } from 'express';
import { ApiError, apiError, type ErrorBody } from './errors.ts';

export function sendError(req: Request, res: Response, error: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  const body: ErrorBody = { error: { code: error.code, message: error.message, requestId: req.requestId } };
  res.status(error.status).json(body);
}

export function errorMiddleware() {
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof ApiError) {
      if (error.status >= 500) req.log.warn({ code: error.code, err: error.message }, 'request failed');
      sendError(req, res, error);
      return;
    }
    // Malformed percent-encoding in the path etc. comes from express with a 4xx status.
    const status = (error as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendError(req, res, apiError('BAD_REQUEST', 'malformed request'));
      return;
    }
    req.log.error({ err: error }, 'unhandled error');
    sendError(req, res, apiError('INTERNAL', 'internal error'));
  };
}

/** Paths the service knows -> methods; unknown path 404, known path with another method 405 + Allow. */
export class RouteTable {
  private readonly methods = new Map<string, Set<string>>();

  add(method: string, path: string): void {
    const set = this.methods.get(path) ?? new Set<string>();
    set.add(method.toUpperCase());
    if (method.toUpperCase() === 'GET') set.add('HEAD');
    this.methods.set(path, set);
  }

  fallbackMiddleware() {
    return (req: Request, _res: Response, next: NextFunction) => {
      const allowed = this.methods.get(req.path);
      if (allowed) {
        next(
          apiError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${req.path}`, {
            headers: { Allow: [...allowed].join(', ') },
          }),
        );
        return;
      }
      next(apiError('NOT_FOUND', `no route ${req.method} ${req.path}`));
    };
  }
}
