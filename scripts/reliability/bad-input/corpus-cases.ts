/**
 * The bad-input corpus as one typed table: each case builds its request for an API and states
 * what a correct service answers (docs/api-contract.md): an error status with its stable JSON
 * code, or a 200 with a sane result where the input is a valid image in an unusual shape.
 * The same table drives the test (scripts/reliability/__tests__/bad-input.test.ts) and the CLI
 * report (scripts/reliability/bad-input-corpus.ts).
 */
import { SERVICES } from '@mlip/catalogue';
import {
  type CorpusImages,
  MULTIPART_BOUNDARY,
  multipartBody,
  PDF_BYTES,
  svgWithExternalReference,
} from './corpus-bytes.ts';
import type { RawRequest, RawResponse } from './send-raw-request.ts';
import { URL_FIXTURE_PATHS, type UrlFixtureServer } from './url-fixture-server.ts';

export type ApiName = 'detect' | 'depth';

export interface ApiTarget {
  name: ApiName;
  /** Service path prefix from the catalogue, e.g. `/yoloapi`. */
  prefix: string;
  /** The inference route. */
  route: string;
  /** A query string with one out-of-range option for this API. */
  invalidOptionQuery: string;
}

export const API_TARGETS: Readonly<Record<ApiName, ApiTarget>> = Object.freeze({
  detect: {
    name: 'detect',
    prefix: SERVICES['yolo-api'].pathPrefix!,
    route: `${SERVICES['yolo-api'].pathPrefix}/v1/detect`,
    invalidOptionQuery: 'confidence=7',
  },
  depth: {
    name: 'depth',
    prefix: SERVICES['depth-api'].pathPrefix!,
    route: `${SERVICES['depth-api'].pathPrefix}/v1/depth`,
    invalidOptionQuery: 'format=bmp',
  },
});

/** Limits the platform runs with for the corpus (see `corpusServiceEnv`). */
export interface CorpusLimits {
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  urlMaxBytes: number;
  urlTimeoutMs: number;
}

export interface CorpusContext {
  images: CorpusImages;
  urls: UrlFixtureServer;
  limits: CorpusLimits;
}

export type Expected =
  /** A valid image: 200 and a sane result of this (upright) size. */
  | { status: 200; image: { width: number; height: number } }
  /** An error: this status and stable `error.code`; `message` must match when given. */
  | { status: number; code: string; message?: RegExp };

export type CaseGroup = 'body' | 'image' | 'json' | 'multipart' | 'limits' | 'url' | 'routing';

export interface CorpusCase {
  /** Kebab-case, unique; also part of the request id. */
  name: string;
  group: CaseGroup;
  /** What is sent, for the report. */
  what: string;
  request(api: ApiTarget, ctx: CorpusContext): RawRequest;
  expect(api: ApiTarget, ctx: CorpusContext): Expected;
  /** Extra check after the answer; returns a problem, or undefined when fine. */
  check?(response: RawResponse, api: ApiTarget, ctx: CorpusContext): string | undefined;
  /** The APIs the case applies to (a route only one service has). @default both */
  apis?: readonly ApiName[];
  /** False when the case cannot be set up on this machine (see url-fixture-server.ts). */
  applies?(ctx: CorpusContext): boolean;
  /** Client-side bound for this case (default: `DEFAULT_CASE_TIMEOUT_MS`). */
  timeoutMs?: number;
}

export const DEFAULT_CASE_TIMEOUT_MS = 20_000;

const post = (api: ApiTarget, contentType: string, body: Buffer | string, query = ''): RawRequest => ({
  method: 'POST',
  path: `${api.route}${query ? `?${query}` : ''}`,
  headers: { 'content-type': contentType },
  body: Buffer.from(body),
});

const postJson = (api: ApiTarget, value: unknown): RawRequest =>
  post(api, 'application/json', JSON.stringify(value));

const postMultipart = (api: ApiTarget, body: Buffer): RawRequest =>
  post(api, `multipart/form-data; boundary=${MULTIPART_BOUNDARY}`, body);

const error = (status: number, code: string, message?: RegExp) => (): Expected =>
  message ? { status, code, message } : { status, code };

const valid = (width: number, height: number) => (): Expected => ({ status: 200, image: { width, height } });

/** The answer to any URL the address policy refuses (the check runs before any connection). */
const refusedAddress = error(400, 'URL_NOT_ALLOWED', /non-public address/);

/** A valid image sent raw with its own content type. */
function rawImageCase(
  name: string,
  what: string,
  pick: (images: CorpusImages) => Buffer,
  contentType: string,
  size: [width: number, height: number],
): CorpusCase {
  return {
    name,
    group: 'image',
    what,
    request: (api, ctx) => post(api, contentType, pick(ctx.images)),
    expect: valid(...size),
  };
}

export const CORPUS_CASES: readonly CorpusCase[] = [
  // --- the body itself --------------------------------------------------------------------------
  {
    name: 'empty-body',
    group: 'body',
    what: 'image/jpeg, 0 bytes',
    request: (api) => post(api, 'image/jpeg', Buffer.alloc(0)),
    expect: error(400, 'MISSING_IMAGE'),
  },
  {
    name: 'one-byte',
    group: 'body',
    what: 'image/jpeg, the single byte 0xFF',
    request: (api) => post(api, 'image/jpeg', Buffer.from([0xff])),
    expect: error(415, 'UNSUPPORTED_MEDIA_TYPE'),
  },
  {
    name: 'text-as-jpeg',
    group: 'body',
    what: 'plain text sent as image/jpeg',
    request: (api) => post(api, 'image/jpeg', 'hello, this is not a picture of anything at all\n'),
    expect: error(415, 'UNSUPPORTED_MEDIA_TYPE'),
  },
  {
    name: 'pdf-as-jpeg',
    group: 'body',
    what: 'a PDF document sent as image/jpeg',
    request: (api) => post(api, 'image/jpeg', PDF_BYTES),
    expect: error(415, 'UNSUPPORTED_MEDIA_TYPE'),
  },
  {
    name: 'svg-external-reference',
    group: 'body',
    what: 'SVG (image/svg+xml) whose <image> points at the fixture host',
    request: (api, ctx) =>
      post(api, 'image/svg+xml', svgWithExternalReference(`${ctx.urls.origin}${URL_FIXTURE_PATHS.svgProbe}`)),
    expect: error(415, 'UNSUPPORTED_MEDIA_TYPE'),
    check: (_res, _api, ctx) =>
      ctx.urls.hits(URL_FIXTURE_PATHS.svgProbe) === 0 ? undefined : 'the SVG external reference was fetched',
  },
  {
    name: 'bmp-image',
    group: 'body',
    what: 'a real 2x2 BMP (a format the services do not take)',
    request: (api, ctx) => post(api, 'image/bmp', ctx.images.bmp),
    expect: error(415, 'UNSUPPORTED_MEDIA_TYPE'),
  },
  {
    name: 'jpeg-as-text-plain',
    group: 'body',
    what: 'a valid JPEG sent as text/plain',
    request: (api, ctx) => post(api, 'text/plain', ctx.images.jpeg),
    expect: error(415, 'UNSUPPORTED_MEDIA_TYPE'),
  },

  // --- broken images ----------------------------------------------------------------------------
  {
    name: 'truncated-jpeg',
    group: 'image',
    what: 'first half of a valid JPEG',
    request: (api, ctx) => post(api, 'image/jpeg', ctx.images.truncatedJpeg),
    expect: error(422, 'UNDECODABLE_IMAGE'),
  },
  {
    name: 'jpeg-header-only',
    group: 'image',
    what: 'first 200 bytes of a JPEG (header cut)',
    request: (api, ctx) => post(api, 'image/jpeg', ctx.images.headerOnlyJpeg),
    expect: error(422, 'UNDECODABLE_IMAGE'),
  },
  {
    name: 'png-bad-crc',
    group: 'image',
    what: 'valid PNG with the IDAT CRC flipped',
    request: (api, ctx) => post(api, 'image/png', ctx.images.badCrcPng),
    expect: error(422, 'UNDECODABLE_IMAGE'),
  },
  {
    name: 'png-declares-30000x30000',
    group: 'image',
    what: '69-byte PNG whose header says 30000x30000',
    request: (api, ctx) => post(api, 'image/png', ctx.images.pngBomb),
    expect: error(413, 'IMAGE_TOO_LARGE'),
  },
  {
    name: 'jpeg-declares-30000x30000',
    group: 'image',
    what: 'small JPEG with its SOF size patched to 30000x30000',
    request: (api, ctx) => post(api, 'image/jpeg', ctx.images.jpegBomb),
    expect: error(413, 'IMAGE_TOO_LARGE'),
  },

  // --- valid images in unusual shapes: 200 with a sane result ------------------------------------
  rawImageCase('png-10000x10', 'PNG 10000 wide, 10 high', (i) => i.wideStripPng, 'image/png', [10_000, 10]),
  rawImageCase('png-10x10000', 'PNG 10 wide, 10000 high', (i) => i.tallStripPng, 'image/png', [10, 10_000]),
  rawImageCase('png-1x1', 'PNG of one pixel', (i) => i.onePixelPng, 'image/png', [1, 1]),
  rawImageCase('png-16-bit', '16-bit RGB PNG', (i) => i.png16, 'image/png', [320, 240]),
  rawImageCase('jpeg-cmyk', 'CMYK JPEG', (i) => i.cmykJpeg, 'image/jpeg', [320, 240]),
  rawImageCase(
    'jpeg-exif-rotated',
    'JPEG stored 128x96 with EXIF orientation 6',
    (i) => i.exifRotatedJpeg,
    'image/jpeg',
    [96, 128],
  ),
  rawImageCase('png-alpha', 'RGBA PNG, half transparent', (i) => i.pngAlpha, 'image/png', [320, 240]),
  rawImageCase('png-grey', '8-bit greyscale PNG', (i) => i.pngGrey, 'image/png', [320, 240]),
  rawImageCase(
    'gif-animated',
    '3-frame animated GIF (first frame used)',
    (i) => i.animatedGif,
    'image/gif',
    [64, 48],
  ),
  rawImageCase('webp', 'WebP', (i) => i.webp, 'image/webp', [320, 240]),
  rawImageCase(
    'jpeg-as-octet-stream',
    'JPEG sent as application/octet-stream (sniffed)',
    (i) => i.jpeg,
    'application/octet-stream',
    [320, 240],
  ),

  // --- JSON bodies ------------------------------------------------------------------------------
  {
    name: 'json-base64-valid',
    group: 'json',
    what: 'JSON {"image": data: URL of a JPEG}',
    request: (api, ctx) =>
      postJson(api, { image: `data:image/jpeg;base64,${ctx.images.jpeg.toString('base64')}` }),
    expect: valid(320, 240),
  },
  {
    name: 'json-invalid-base64',
    group: 'json',
    what: 'JSON {"image": "this is *not* base64!"}',
    request: (api) => postJson(api, { image: 'this is *not* base64!' }),
    expect: error(400, 'INVALID_BASE64'),
  },
  {
    name: 'json-base64-of-text',
    group: 'json',
    what: 'JSON {"image": base64 of plain text}',
    request: (api) => postJson(api, { image: Buffer.from('just some words, not pixels').toString('base64') }),
    expect: error(415, 'UNSUPPORTED_MEDIA_TYPE'),
  },
  {
    name: 'json-image-not-string',
    group: 'json',
    what: 'JSON {"image": 42}',
    request: (api) => postJson(api, { image: 42 }),
    expect: error(400, 'INVALID_BASE64'),
  },
  {
    name: 'json-malformed',
    group: 'json',
    what: 'application/json that does not parse',
    request: (api) => post(api, 'application/json', '{"image": "abc",,, '),
    expect: error(400, 'BAD_REQUEST'),
  },
  {
    name: 'json-array',
    group: 'json',
    what: 'a JSON array instead of an object',
    request: (api) => post(api, 'application/json', '["image"]'),
    expect: error(400, 'BAD_REQUEST'),
  },
  {
    name: 'json-no-image',
    group: 'json',
    what: 'JSON object without image or imageUrl',
    request: (api) => postJson(api, { confidence: 0.5 }),
    expect: error(400, 'MISSING_IMAGE'),
  },
  {
    name: 'json-oversized',
    group: 'json',
    what: 'JSON body over BODY_LIMIT_BYTES',
    request: (api, ctx) =>
      postJson(api, { image: Buffer.alloc(ctx.limits.bodyLimitBytes, 7).toString('base64') }),
    expect: error(413, 'PAYLOAD_TOO_LARGE'),
  },
  {
    name: 'invalid-option',
    group: 'json',
    what: 'valid image, one option out of range',
    request: (api, ctx) => post(api, 'image/jpeg', ctx.images.jpeg, api.invalidOptionQuery),
    expect: error(400, 'INVALID_OPTION'),
  },

  // --- multipart --------------------------------------------------------------------------------
  {
    name: 'multipart-valid',
    group: 'multipart',
    what: 'multipart, the file in field "image"',
    request: (api, ctx) =>
      postMultipart(
        api,
        multipartBody([
          { name: 'image', filename: 'a.jpg', contentType: 'image/jpeg', data: ctx.images.jpeg },
        ]),
      ),
    expect: valid(320, 240),
  },
  {
    name: 'multipart-no-file',
    group: 'multipart',
    what: 'multipart with only a text field',
    request: (api) => postMultipart(api, multipartBody([{ name: 'note', data: 'no file here' }])),
    expect: error(400, 'MISSING_IMAGE'),
  },
  {
    name: 'multipart-two-files',
    group: 'multipart',
    what: 'multipart with two files in "image"',
    request: (api, ctx) =>
      postMultipart(
        api,
        multipartBody([
          { name: 'image', filename: 'a.jpg', contentType: 'image/jpeg', data: ctx.images.jpeg },
          { name: 'image', filename: 'b.jpg', contentType: 'image/jpeg', data: ctx.images.jpeg },
        ]),
      ),
    expect: error(400, 'BAD_REQUEST'),
  },
  {
    name: 'multipart-wrong-field',
    group: 'multipart',
    what: 'multipart, the file in field "photo"',
    request: (api, ctx) =>
      postMultipart(
        api,
        multipartBody([
          { name: 'photo', filename: 'a.jpg', contentType: 'image/jpeg', data: ctx.images.jpeg },
        ]),
      ),
    expect: error(400, 'BAD_REQUEST'),
  },
  {
    name: 'multipart-no-closing-boundary',
    group: 'multipart',
    what: 'multipart cut before its closing boundary',
    request: (api, ctx) => {
      const full = multipartBody([
        { name: 'image', filename: 'a.jpg', contentType: 'image/jpeg', data: ctx.images.jpeg },
      ]);
      return postMultipart(api, full.subarray(0, full.length - `--${MULTIPART_BOUNDARY}--\r\n`.length - 100));
    },
    expect: error(400, 'BAD_REQUEST'),
  },
  {
    name: 'multipart-no-boundary',
    group: 'multipart',
    what: 'multipart/form-data without a boundary parameter',
    request: (api, ctx) => post(api, 'multipart/form-data', ctx.images.jpeg),
    expect: error(400, 'BAD_REQUEST'),
  },

  // --- size and time limits ---------------------------------------------------------------------
  {
    name: 'body-over-limit',
    group: 'limits',
    what: 'image/jpeg body of BODY_LIMIT_BYTES + 1 MiB, Content-Length declared',
    request: (api, ctx) => post(api, 'image/jpeg', Buffer.alloc(ctx.limits.bodyLimitBytes + (1 << 20), 1)),
    expect: error(413, 'PAYLOAD_TOO_LARGE'),
  },
  {
    name: 'body-over-limit-chunked',
    group: 'limits',
    what: 'the same, chunked (no length up front)',
    request: (api, ctx) => ({
      ...post(api, 'image/jpeg', Buffer.alloc(ctx.limits.bodyLimitBytes + (1 << 20), 1)),
      chunked: true,
    }),
    expect: error(413, 'PAYLOAD_TOO_LARGE'),
  },
  {
    name: 'multipart-over-limit',
    group: 'limits',
    what: 'multipart whose file is over BODY_LIMIT_BYTES',
    request: (api, ctx) =>
      postMultipart(
        api,
        multipartBody([
          {
            name: 'image',
            filename: 'big.jpg',
            contentType: 'image/jpeg',
            data: Buffer.alloc(ctx.limits.bodyLimitBytes + (1 << 20), 1),
          },
        ]),
      ),
    expect: error(413, 'PAYLOAD_TOO_LARGE'),
  },
  {
    name: 'body-too-slow',
    group: 'limits',
    what: 'declares 64 KiB, sends 16 bytes every 200 ms',
    request: (api) => ({
      method: 'POST',
      path: api.route,
      headers: { 'content-type': 'image/jpeg' },
      trickle: { bytes: 16, intervalMs: 200, totalBytes: 64 * 1024 },
    }),
    expect: error(408, 'REQUEST_TIMEOUT'),
    check: (res, _api, ctx) =>
      res.ms < ctx.limits.requestTimeoutMs * 0.9
        ? `answered after ${res.ms} ms, before the ${ctx.limits.requestTimeoutMs} ms limit`
        : undefined,
  },

  // --- URL input (SSRF) -------------------------------------------------------------------------
  {
    name: 'url-valid',
    group: 'url',
    what: 'imageUrl on the trusted fixture host',
    request: (api, ctx) => postJson(api, { imageUrl: `${ctx.urls.origin}${URL_FIXTURE_PATHS.image}` }),
    expect: valid(320, 240),
  },
  {
    name: 'url-loopback',
    group: 'url',
    what: 'imageUrl http://127.0.0.1:<port>/ (loopback, a port that serves images)',
    request: (api, ctx) =>
      postJson(api, {
        imageUrl: `http://${ctx.urls.untrustedLoopback}:${ctx.urls.port}${URL_FIXTURE_PATHS.image}`,
      }),
    expect: refusedAddress,
  },
  {
    name: 'url-localhost-name',
    group: 'url',
    what: 'imageUrl http://localhost/ (a name resolving to loopback)',
    // Without 127.0.0.2 the fixture host is 127.0.0.1 itself, which localhost resolves to.
    applies: (ctx) => ctx.urls.host !== '127.0.0.1',
    request: (api, ctx) =>
      postJson(api, { imageUrl: `http://localhost:${ctx.urls.port}${URL_FIXTURE_PATHS.image}` }),
    expect: refusedAddress,
  },
  {
    name: 'url-loopback-decimal',
    group: 'url',
    what: 'imageUrl http://2130706433/ (127.0.0.1 spelled as one number)',
    request: (api) => postJson(api, { imageUrl: 'http://2130706433/photo.jpg' }),
    expect: refusedAddress,
  },
  {
    name: 'url-loopback-ipv6',
    group: 'url',
    what: 'imageUrl http://[::1]/',
    request: (api) => postJson(api, { imageUrl: 'http://[::1]/photo.jpg' }),
    expect: error(400, 'URL_NOT_ALLOWED'),
  },
  {
    name: 'url-private-10',
    group: 'url',
    what: 'imageUrl http://10.0.0.1/',
    request: (api) => postJson(api, { imageUrl: 'http://10.0.0.1/photo.jpg' }),
    expect: refusedAddress,
  },
  {
    name: 'url-private-192-168',
    group: 'url',
    what: 'imageUrl http://192.168.1.10/',
    request: (api) => postJson(api, { imageUrl: 'http://192.168.1.10/photo.jpg' }),
    expect: refusedAddress,
  },
  {
    name: 'url-metadata',
    group: 'url',
    what: 'imageUrl http://169.254.169.254/latest/meta-data/',
    request: (api) => postJson(api, { imageUrl: 'http://169.254.169.254/latest/meta-data/' }),
    expect: refusedAddress,
  },
  {
    name: 'url-file-scheme',
    group: 'url',
    what: 'imageUrl file:///etc/passwd',
    request: (api) => postJson(api, { imageUrl: 'file:///etc/passwd' }),
    expect: error(400, 'URL_NOT_ALLOWED', /scheme/),
  },
  {
    name: 'url-not-allowlisted',
    group: 'url',
    what: 'imageUrl on a host off the allowlist',
    request: (api) => postJson(api, { imageUrl: 'https://images.example.net/photo.jpg' }),
    expect: error(400, 'URL_NOT_ALLOWED', /allowlist/),
  },
  {
    name: 'url-redirect-to-private',
    group: 'url',
    what: 'trusted host answers 302 to http://10.0.0.1/',
    request: (api, ctx) =>
      postJson(api, { imageUrl: `${ctx.urls.origin}${URL_FIXTURE_PATHS.redirectPrivate}` }),
    expect: refusedAddress,
  },
  {
    name: 'url-redirect-to-metadata',
    group: 'url',
    what: 'trusted host answers 302 to the metadata address',
    request: (api, ctx) =>
      postJson(api, { imageUrl: `${ctx.urls.origin}${URL_FIXTURE_PATHS.redirectMetadata}` }),
    expect: refusedAddress,
  },
  {
    name: 'url-huge-declared',
    group: 'url',
    what: 'remote file over URL_MAX_BYTES, Content-Length declared',
    request: (api, ctx) => postJson(api, { imageUrl: `${ctx.urls.origin}${URL_FIXTURE_PATHS.hugeDeclared}` }),
    expect: error(422, 'URL_FETCH_FAILED', /bytes/),
  },
  {
    name: 'url-huge-streamed',
    group: 'url',
    what: 'remote file over URL_MAX_BYTES, no Content-Length',
    request: (api, ctx) => postJson(api, { imageUrl: `${ctx.urls.origin}${URL_FIXTURE_PATHS.hugeStreamed}` }),
    expect: error(422, 'URL_FETCH_FAILED', /bytes/),
  },
  {
    name: 'url-never-answers',
    group: 'url',
    what: 'remote host accepts and never answers',
    request: (api, ctx) => postJson(api, { imageUrl: `${ctx.urls.origin}${URL_FIXTURE_PATHS.hanging}` }),
    expect: error(422, 'URL_FETCH_FAILED', /timed out/),
  },

  // --- yolo-api's predict_json (load-simulator format, URL input only) --------------------------
  {
    name: 'predict-json-valid',
    group: 'url',
    what: 'predict_json, coco_url on the trusted fixture host',
    apis: ['detect'],
    request: (api, ctx) => ({
      ...postJson(api, {
        req_id: 'r1',
        image_id: '1',
        coco_url: `${ctx.urls.origin}${URL_FIXTURE_PATHS.image}`,
      }),
      path: `${api.prefix}/predict_json`,
    }),
    expect: valid(320, 240),
  },
  {
    name: 'predict-json-metadata',
    group: 'url',
    what: 'predict_json, coco_url on the metadata address',
    apis: ['detect'],
    request: (api) => ({
      ...postJson(api, { req_id: 'r1', image_id: '1', coco_url: 'http://169.254.169.254/latest/meta-data/' }),
      path: `${api.prefix}/predict_json`,
    }),
    expect: refusedAddress,
  },
  {
    name: 'predict-json-malformed',
    group: 'json',
    what: 'predict_json, a body that does not parse',
    apis: ['detect'],
    request: (api) => ({
      ...post(api, 'application/json', '{"coco_url": '),
      path: `${api.prefix}/predict_json`,
    }),
    expect: error(400, 'BAD_REQUEST'),
  },

  // --- routing ----------------------------------------------------------------------------------
  {
    name: 'unknown-route',
    group: 'routing',
    what: 'POST <prefix>/v1/nope',
    request: (api, ctx) => ({ ...post(api, 'image/jpeg', ctx.images.jpeg), path: `${api.prefix}/v1/nope` }),
    expect: error(404, 'NOT_FOUND'),
  },
  {
    name: 'wrong-method',
    group: 'routing',
    what: 'GET on the inference route',
    request: (api) => ({ method: 'GET', path: api.route, headers: {} }),
    expect: error(405, 'METHOD_NOT_ALLOWED'),
    check: (res) =>
      String(res.headers.allow ?? '').includes('POST') ? undefined : `Allow is "${res.headers.allow}"`,
  },
  {
    name: 'wrong-method-delete',
    group: 'routing',
    what: 'DELETE on the inference route',
    request: (api) => ({ method: 'DELETE', path: api.route, headers: {} }),
    expect: error(405, 'METHOD_NOT_ALLOWED'),
  },
];
