/**
 * The one catalogue of API errors (docs/api-contract.md, "Errors"): a stable `code`, its HTTP status
 * and whether it carries `Retry-After`. Everything that fails a request throws an `ApiError`; the
 * error middleware is the only place that turns it into JSON.
 */

export const ERROR_CATALOGUE = Object.freeze({
  BAD_REQUEST: { status: 400 },
  INVALID_OPTION: { status: 400 },
  MISSING_IMAGE: { status: 400 },
  INVALID_BASE64: { status: 400 },
  NOT_FOUND: { status: 404 },
  METHOD_NOT_ALLOWED: { status: 405 },
  REQUEST_TIMEOUT: { status: 408 },
  PAYLOAD_TOO_LARGE: { status: 413 },
  IMAGE_TOO_LARGE: { status: 413 },
  UNSUPPORTED_MEDIA_TYPE: { status: 415 },
  UNDECODABLE_IMAGE: { status: 422 },
  URL_NOT_ALLOWED: { status: 400 },
  URL_FETCH_FAILED: { status: 422 },
  MODEL_NOT_READY: { status: 503 },
  OVERLOADED: { status: 503 },
  SHUTTING_DOWN: { status: 503 },
  INTERNAL: { status: 500 },
} as const satisfies Record<string, { status: number }>);

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Seconds a client should wait before retrying a 503 (Retry-After). */
export const DEFAULT_RETRY_AFTER_SECONDS = 1;

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra response headers (Allow, Retry-After...). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ApiError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    const headers = { ...options.headers };
    if (this.status === 503 && headers['Retry-After'] === undefined) {
      headers['Retry-After'] = String(DEFAULT_RETRY_AFTER_SECONDS);
    }
    this.headers = Object.freeze(headers);
  }
}

export function apiError(
  code: ErrorCode,
  message: string,
  options?: ConstructorParameters<typeof ApiError>[2],
) {
  return new ApiError(code, message, options);
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string };
}
