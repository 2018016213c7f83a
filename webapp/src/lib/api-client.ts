/**
 * The one HTTP client of the UI. Every non-2xx answer goes through one error interceptor that turns
 * the platform's `{"error": {"code", "message", "requestId"}}` body into a typed `ApiError`; anything
 * else (a proxy's HTML page, a dropped connection) becomes an `ApiError` with a synthetic code.
 */

export interface ApiErrorBody {
  error: { code: string; message: string; requestId?: string };
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: string;
  readonly status: number;
  readonly requestId: string | undefined;

  constructor(init: { code: string; status: number; message: string; requestId?: string | undefined }) {
    super(init.message);
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
  }
}

export const NETWORK_ERROR = 'NETWORK_ERROR';

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

async function toApiError(response: Response): Promise<ApiError> {
  const requestId = response.headers.get('x-request-id') ?? undefined;
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (isApiErrorBody(body)) {
    return new ApiError({
      code: body.error.code,
      status: response.status,
      message: body.error.message,
      requestId: body.error.requestId ?? requestId,
    });
  }
  // Readiness answers `{"status":"not-ready","reason":"..."}`: keep the reason as the message.
  const reason =
    typeof body === 'object' && body !== null && typeof (body as { reason?: unknown }).reason === 'string'
      ? (body as { reason: string }).reason
      : undefined;
  return new ApiError({
    code: `HTTP_${response.status}`,
    status: response.status,
    message: reason ?? (response.statusText || `HTTP ${response.status}`),
    requestId,
  });
}

/** fetch() plus the error interceptor: resolves only with a 2xx response. */
export async function apiRequest(path: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({ code: NETWORK_ERROR, status: 0, message: String(cause) });
  }
  if (!response.ok) throw await toApiError(response);
  return response;
}

export const apiClient = {
  async get(path: string, signal?: AbortSignal): Promise<Response> {
    return apiRequest(path, { method: 'GET', signal: signal ?? null, cache: 'no-store' });
  },
  async postForm<T>(path: string, form: FormData, signal?: AbortSignal): Promise<T> {
    const response = await apiRequest(path, {
      method: 'POST',
      body: form,
      headers: { Accept: 'application/json' },
      signal: signal ?? null,
    });
    return (await response.json()) as T;
  },
};
