/**
 * One image per request, in any of the contract's four forms (multipart field `image`, raw `image/*`
 * body, JSON base64, JSON `imageUrl`), plus the request's options (query string, overridden by body
 * fields). Enforces the body byte limit (413) and the body time limit (408).
 */
import type { Request, Response } from 'express';
import multer from 'multer';
import { discardBody } from './discard-body.ts';
import { ApiError, apiError } from './errors.ts';
import type { RawOptions } from './options.ts';
import { fetchImageUrl, type UrlFetchOptions } from './url-fetcher.ts';

export interface ImageInputLimits {
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  url: UrlFetchOptions;
}

export interface ImageRequest {
  image: Buffer;
  source: 'multipart' | 'raw' | 'base64' | 'url';
  /** Query options overridden by body fields. */
  options: RawOptions;
}

/** Fields of a JSON body that carry the image rather than options. */
const IMAGE_FIELDS = new Set(['image', 'imageUrl']);

function mediaType(req: Request): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function queryOptions(req: Request): RawOptions {
  const out: RawOptions = {};
  for (const [key, value] of Object.entries(req.query)) {
    out[key] = Array.isArray(value) ? value[value.length - 1] : value;
  }
  return out;
}

/**
 * Body not fully received in time -> 408. The connection is closed after the answer: the client is
 * still sending and nothing else can be read from that socket.
 */
function withBodyTimeout<T>(req: Request, res: Response, timeoutMs: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      res.setHeader('Connection', 'close');
      req.pause();
      reject(apiError('REQUEST_TIMEOUT', `request body not received within ${timeoutMs} ms`));
    }, timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** How long, and how many bytes, the rest of a refused body is read and thrown away. */
export const DISCARD_REFUSED_BODY = Object.freeze({ ms: 5_000, bytes: 64 * 1024 * 1024 });

/**
 * After an early 413 the client is usually still sending: the rest of the body is read and dropped
 * within DISCARD_REFUSED_BODY (see discard-body.ts), past that the socket is closed anyway. A body
 * that ends in time leaves the connection usable for the next request.
 */
function discardRestOfBody(req: Request): void {
  void discardBody(req, {
    maxBytes: DISCARD_REFUSED_BODY.bytes,
    timeoutMs: DISCARD_REFUSED_BODY.ms,
    destroyOnLimit: true,
  });
}

/** Reads the whole body up to `limit` bytes. */
export function readBody(req: Request, _res: Response, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    discardRestOfBody(req);
    return Promise.reject(apiError('PAYLOAD_TOO_LARGE', `body is ${declared} bytes, the limit is ${limit}`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        cleanup();
        discardRestOfBody(req);
        reject(apiError('PAYLOAD_TOO_LARGE', `body is over the limit of ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(apiError('BAD_REQUEST', `body could not be read: ${error.message}`));
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const STRICT_BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Strict base64 (standard or URL-safe alphabet); a `data:<type>;base64,` prefix is accepted. */
export function decodeBase64Image(text: string): Buffer {
  let payload = text.trim();
  const dataUrl = /^data:([^;,]*)(;[^,]*)?,/i.exec(payload);
  if (dataUrl) {
    if (!/;base64/i.test(dataUrl[2] ?? ''))
      throw apiError('INVALID_BASE64', 'data: URL must be base64-encoded');
    payload = payload.slice(dataUrl[0].length);
  }
  payload = payload.replace(/\s+/g, '');
  if (payload.length === 0) throw apiError('MISSING_IMAGE', '`image` is empty');
  const ok = STRICT_BASE64.test(payload) || (STRICT_BASE64URL.test(payload) && payload.length % 4 !== 1);
  if (!ok) throw apiError('INVALID_BASE64', '`image` is not valid base64');
  return Buffer.from(payload, STRICT_BASE64.test(payload) ? 'base64' : 'base64url');
}

function parseMultipart(req: Request, res: Response, limits: ImageInputLimits): Promise<ImageRequest> {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: limits.bodyLimitBytes, files: 1, fields: 50, fieldSize: 1024 * 1024, parts: 60 },
  }).single('image');
  return new Promise((resolve, reject) => {
    upload(req, res, (error: unknown) => {
      if (error) {
        reject(multipartError(error));
        return;
      }
      const file = req.file;
      if (!file || file.size === 0) {
        reject(apiError('MISSING_IMAGE', 'multipart body has no file in field "image"'));
        return;
      }
      const fields: RawOptions = { ...(req.body as Record<string, unknown> | undefined) };
      resolve({ image: file.buffer, source: 'multipart', options: { ...queryOptions(req), ...fields } });
    });
  });
}

function multipartError(error: unknown): ApiError {
  if (error instanceof multer.MulterError) {
    switch (error.code) {
      case 'LIMIT_FILE_SIZE':
        return apiError('PAYLOAD_TOO_LARGE', 'file is over the body limit');
      case 'LIMIT_FILE_COUNT':
        return apiError('BAD_REQUEST', 'send exactly one file (field "image")');
      case 'LIMIT_UNEXPECTED_FILE':
        return apiError(
          'BAD_REQUEST',
          error.field === 'image'
            ? 'send exactly one file in field "image"'
            : `unexpected file field "${error.field}"; use "image"`,
        );
      default:
        return apiError('BAD_REQUEST', `bad multipart body: ${error.message}`);
    }
  }
  if (error instanceof ApiError) return error;
  return apiError('BAD_REQUEST', `bad multipart body: ${(error as Error).message}`);
}

async function parseJsonBody(body: Buffer, req: Request, limits: ImageInputLimits): Promise<ImageRequest> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw apiError('BAD_REQUEST', 'body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw apiError('BAD_REQUEST', 'JSON body must be an object');
  }
  const fields = parsed as Record<string, unknown>;
  const options: RawOptions = { ...queryOptions(req) };
  for (const [key, value] of Object.entries(fields)) if (!IMAGE_FIELDS.has(key)) options[key] = value;
  if (typeof fields.image === 'string') {
    return { image: decodeBase64Image(fields.image), source: 'base64', options };
  }
  if (fields.image !== undefined) throw apiError('INVALID_BASE64', '`image` must be a base64 string');
  if (typeof fields.imageUrl === 'string') {
    return { image: await fetchImageUrl(fields.imageUrl, limits.url), source: 'url', options };
  }
  if (fields.imageUrl !== undefined) throw apiError('URL_NOT_ALLOWED', '`imageUrl` must be a string');
  throw apiError('MISSING_IMAGE', 'JSON body needs "image" (base64) or "imageUrl"');
}

/** Reads the image and options of an inference request. */
export async function readImageRequest(
  req: Request,
  res: Response,
  limits: ImageInputLimits,
): Promise<ImageRequest> {
  const type = mediaType(req);
  if (type === 'multipart/form-data') {
    return withBodyTimeout(req, res, limits.requestTimeoutMs, parseMultipart(req, res, limits));
  }
  const body = await withBodyTimeout(
    req,
    res,
    limits.requestTimeoutMs,
    readBody(req, res, limits.bodyLimitBytes),
  );
  if (type === 'application/json' || type.endsWith('+json')) {
    if (body.length === 0) throw apiError('MISSING_IMAGE', 'empty JSON body');
    return parseJsonBody(body, req, limits);
  }
  if (body.length === 0) throw apiError('MISSING_IMAGE', 'request has no image (empty body)');
  if (type.startsWith('image/') || type === 'application/octet-stream' || type === '') {
    return { image: body, source: 'raw', options: queryOptions(req) };
  }
  throw apiError(
    'UNSUPPORTED_MEDIA_TYPE',
    `content type "${type}" not accepted; send multipart/form-data, image/*, or application/json`,
  );
}

/** Reads a JSON object body (for routes like predict_json). */
export async function readJsonBody(
  req: Request,
  res: Response,
  limits: ImageInputLimits,
): Promise<Record<string, unknown>> {
  const body = await withBodyTimeout(
    req,
    res,
    limits.requestTimeoutMs,
    readBody(req, res, limits.bodyLimitBytes),
  );
  if (!mediaType(req).includes('json')) throw apiError('UNSUPPORTED_MEDIA_TYPE', 'send application/json');
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw apiError('BAD_REQUEST', 'body must be a JSON object');
}
