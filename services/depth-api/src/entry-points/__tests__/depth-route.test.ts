import { rmSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DepthServer, startDepthServer, stopDepthServer } from '../server.ts';
import {
  brightLeftDarkRight,
  expectedDepthForGrey,
  generateTestModels,
  imageForm,
  local,
  quietEnv,
  readBus,
  readError,
} from './helpers.ts';

interface DepthJson {
  requestId: string;
  model: { name: string; inputSize: [number, number]; dynamic: boolean };
  image: { width: number; height: number };
  stats: { min: number; max: number; mean: number; std: number };
  timings: Record<string, number>;
  depthMap: { mimeType: string; colormap: string; width: number; height: number; base64: string };
  objects?: {
    index: number;
    kind: string;
    label?: string;
    rank: number;
    medianDepth: number;
    centerDepth: number;
    point?: { x: number; y: number };
  }[];
}

function rawDepth(body: ArrayBuffer): Float32Array {
  return new Float32Array(body);
}

describe('POST /depthapi/v1/depth with the generated test model (dynamic size)', () => {
  let models: ReturnType<typeof generateTestModels>;
  let web: DepthServer;
  let bus: Buffer;
  let halves: Buffer;
  let url: string;

  beforeAll(async () => {
    models = generateTestModels();
    [bus, halves] = await Promise.all([readBus(), brightLeftDarkRight()]);
    web = await startDepthServer({ env: quietEnv, overrides: { ...local, modelPath: models.dynamic } });
    await web.modelLoad;
    url = `${web.url}/depthapi/v1/depth`;
  });

  afterAll(async () => {
    await stopDepthServer(web);
    rmSync(models.dir, { recursive: true, force: true });
  });

  it('when the model has loaded, readyz is 200 and v1/model reports the signature read from the model', async () => {
    expect((await fetch(`${web.url}/depthapi/readyz`)).status).toBe(200);
    const info = (await (await fetch(`${web.url}/depthapi/v1/model`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({
      name: 'depth_anything_v2_small',
      dynamic: true,
      inputSize: [518, 518],
      matchesCatalogue: false,
      inputs: [{ name: 'pixel_values', shape: [1, 3, 'height', 'width'], type: 'float32' }],
      outputs: [{ name: 'predicted_depth', shape: [1, 'height', 'width'], type: 'float32' }],
    });
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('when format=png, returns a colourised 8-bit RGB PNG of the photo size', async () => {
    const response = await fetch(`${url}?format=png&colormap=turbo`, {
      method: 'POST',
      body: imageForm(bus),
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(response.headers.get('server-timing')).toMatch(/inference;dur=/);
    const meta = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
    expect([meta.width, meta.height, meta.channels, meta.depth]).toEqual([810, 1080, 3, 'uchar']);
  });

  it('when format=png16, returns a 16-bit grey PNG of the photo size spanning 0..65535', async () => {
    const response = await fetch(`${url}?format=png16`, {
      method: 'POST',
      body: bus,
      headers: { 'content-type': 'image/jpeg' },
    });

    expect(response.status).toBe(200);
    const png = Buffer.from(await response.arrayBuffer());
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height, meta.channels, meta.depth]).toEqual([810, 1080, 1, 'ushort']);
    const { data } = await sharp(png)
      .toColourspace('grey16')
      .raw({ depth: 'ushort' })
      .toBuffer({ resolveWithObject: true });
    const values = new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
    expect(values.includes(0)).toBe(true);
    expect(values.includes(65535)).toBe(true);
  });

  it('when format=raw, returns width*height float32 values whose range matches the X-Depth headers', async () => {
    const response = await fetch(`${url}?format=raw`, { method: 'POST', body: imageForm(bus) });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('x-depth-width')).toBe('810');
    expect(response.headers.get('x-depth-height')).toBe('1080');
    const values = rawDepth(await response.arrayBuffer());
    expect(values.length).toBe(810 * 1080);
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(Number(response.headers.get('x-depth-min'))).toBeCloseTo(min, 5);
    expect(Number(response.headers.get('x-depth-max'))).toBeCloseTo(max, 5);
  });

  it('when format is json (default), embeds a PNG of the photo size with stats, timings and the model input size', async () => {
    const response = await fetch(url, {
      method: 'POST',
      body: imageForm(bus),
      headers: { 'x-request-id': 'req-42' },
    });

    expect(response.status).toBe(200);
    const body = (await response.json()) as DepthJson;
    expect(body.requestId).toBe('req-42');
    // 810x1080: scale 518/810 (nearer 1), height 1080 * 518 / 810 = 690.7 -> 49 patches -> 686.
    expect(body.model).toEqual({ name: 'depth_anything_v2_small', inputSize: [686, 518], dynamic: true });
    expect(body.image).toEqual({ width: 810, height: 1080 });
    expect(body.stats.min).toBeLessThan(body.stats.mean);
    expect(body.stats.mean).toBeLessThan(body.stats.max);
    expect(body.stats.std).toBeGreaterThan(0);
    expect(body.timings.inferenceMs).toBeGreaterThan(0);
    expect(body.timings.totalMs).toBeGreaterThanOrEqual(body.timings.inferenceMs!);
    expect(body.depthMap).toMatchObject({
      mimeType: 'image/png',
      colormap: 'inferno',
      width: 810,
      height: 1080,
    });
    const meta = await sharp(Buffer.from(body.depthMap.base64, 'base64')).metadata();
    expect([meta.width, meta.height]).toEqual([810, 1080]);
    expect(body.objects).toBeUndefined();
  });

  it('when the image is bright on the left and dark on the right, the left comes out nearer with the known values', async () => {
    const response = await fetch(`${url}?format=raw`, {
      method: 'POST',
      body: halves,
      headers: { 'content-type': 'image/png' },
    });

    const values = rawDepth(await response.arrayBuffer());
    const width = 280;
    // Away from the edge, the test model's output is exactly its formula for white and for black.
    const leftInterior = values[70 * width + 20]!;
    const rightInterior = values[70 * width + 260]!;
    expect(leftInterior).toBeCloseTo(expectedDepthForGrey(255), 2);
    expect(rightInterior).toBeCloseTo(expectedDepthForGrey(0), 2);
    expect(leftInterior).toBeGreaterThan(rightInterior);
  });

  it('when two boxes are sent (dark side first), returns the bright-side box first with rank 0', async () => {
    const boxes = [
      { label: 'dark', classId: 1, confidence: 0.5, box: { x1: 180, y1: 20, x2: 260, y2: 120 } },
      { label: 'bright', classId: 2, confidence: 0.9, box: { x1: 20, y1: 20, x2: 100, y2: 120 } },
    ];

    const response = await fetch(url, {
      method: 'POST',
      body: imageForm(halves, { boxes: JSON.stringify(boxes) }, 'image/png'),
    });

    expect(response.status).toBe(200);
    const { objects } = (await response.json()) as DepthJson;
    expect(objects?.map((o) => [o.label, o.index, o.rank])).toEqual([
      ['bright', 1, 0],
      ['dark', 0, 1],
    ]);
    expect(objects?.[0]).toMatchObject({ kind: 'box', classId: 2, confidence: 0.9, box: boxes[1]!.box });
    expect(objects?.[0]?.medianDepth).toBeCloseTo(expectedDepthForGrey(255), 2);
    expect(objects?.[1]?.centerDepth).toBeCloseTo(expectedDepthForGrey(0), 2);
  });

  it('when boxes is a whole yolo-api response and points come in a JSON body, ranks them all nearest first', async () => {
    const yoloResponse = {
      requestId: 'y1',
      image: { width: 280, height: 140 },
      detections: [{ classId: 5, label: 'bus', confidence: 0.8, box: { x1: 150, y1: 10, x2: 270, y2: 130 } }],
    };

    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        image: halves.toString('base64'),
        boxes: yoloResponse,
        points: [{ x: 30, y: 70, label: 'p' }],
      }),
    });

    expect(response.status).toBe(200);
    const { objects } = (await response.json()) as DepthJson;
    expect(objects?.map((o) => [o.kind, o.index, o.rank])).toEqual([
      ['point', 1, 0],
      ['box', 0, 1],
    ]);
    expect(objects?.[0]).toMatchObject({ point: { x: 30, y: 70 }, label: 'p' });
    expect(objects?.[0]?.centerDepth).toBe(objects?.[0]?.medianDepth);
  });

  it('when the JPEG carries EXIF orientation 6, answers at the upright size (height and width swapped)', async () => {
    const rotated = await sharp(halves).jpeg().withMetadata({ orientation: 6 }).toBuffer();

    const response = await fetch(`${url}?format=raw`, { method: 'POST', body: imageForm(rotated) });

    expect(response.status).toBe(200);
    expect([response.headers.get('x-depth-width'), response.headers.get('x-depth-height')]).toEqual([
      '140',
      '280',
    ]);
    // Rotated 90 degrees clockwise, the bright left half ends up on top.
    const values = rawDepth(await response.arrayBuffer());
    expect(values[20 * 140 + 70]!).toBeGreaterThan(values[260 * 140 + 70]!);
  });

  it('after inferences, metrics show the stage timings and openapi.json documents the depth route', async () => {
    const metrics = await (await fetch(`${web.url}/depthapi/metrics`)).text();
    const openapi = (await (await fetch(`${web.url}/depthapi/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };

    expect(metrics).toMatch(/inference_stage_duration_seconds_count\{[^}]*stage="inference"[^}]*\} [1-9]/);
    expect(openapi.paths['/depthapi/v1/depth']?.post).toBeDefined();
  });

  it('when the route is called with GET, returns 405 METHOD_NOT_ALLOWED', async () => {
    const response = await fetch(url);
    expect(response.status).toBe(405);
    expect((await readError(response)).code).toBe('METHOD_NOT_ALLOWED');
  });

  it('when the body is text, returns 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await fetch(url, {
      method: 'POST',
      body: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.status).toBe(415);
    expect((await readError(response)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('when the uploaded file is not an image, returns 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await fetch(url, {
      method: 'POST',
      body: imageForm(Buffer.from('%PDF-1.7 not an image at all'), {}, 'application/pdf'),
    });
    expect(response.status).toBe(415);
    expect((await readError(response)).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('when no image is sent, returns 400 MISSING_IMAGE', async () => {
    const form = new FormData();
    form.append('format', 'png');
    const response = await fetch(url, { method: 'POST', body: form });
    expect(response.status).toBe(400);
    expect((await readError(response)).code).toBe('MISSING_IMAGE');
  });

  it('when boxes is not valid JSON, returns 400 INVALID_OPTION naming boxes', async () => {
    const response = await fetch(url, {
      method: 'POST',
      body: imageForm(halves, { boxes: '[{"box":' }, 'image/png'),
    });
    expect(response.status).toBe(400);
    const error = await readError(response);
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toContain('boxes');
  });

  it('when format is unknown, returns 400 INVALID_OPTION listing the formats', async () => {
    const response = await fetch(`${url}?format=bmp`, {
      method: 'POST',
      body: imageForm(halves, {}, 'image/png'),
    });
    expect(response.status).toBe(400);
    const error = await readError(response);
    expect(error).toMatchObject({ code: 'INVALID_OPTION' });
    expect(error.message).toMatch(/json, png, png16, raw/);
  });

  it('when the image is over MAX_PIXELS, returns 413 IMAGE_TOO_LARGE', async () => {
    const small = await startDepthServer({
      env: quietEnv,
      overrides: { ...local, modelPath: models.dynamic, maxPixels: 10_000 },
    });
    try {
      await small.modelLoad;
      const response = await fetch(`${small.url}/depthapi/v1/depth`, {
        method: 'POST',
        body: imageForm(bus),
      });
      expect(response.status).toBe(413);
      expect((await readError(response)).code).toBe('IMAGE_TOO_LARGE');
    } finally {
      await stopDepthServer(small);
    }
  });
});

describe('POST /depthapi/v1/depth with the static 518x518 test model', () => {
  let models: ReturnType<typeof generateTestModels>;
  let web: DepthServer;

  beforeAll(async () => {
    models = generateTestModels();
    web = await startDepthServer({ env: quietEnv, overrides: { ...local, modelPath: models.static } });
    await web.modelLoad;
  });

  afterAll(async () => {
    await stopDepthServer(web);
    rmSync(models.dir, { recursive: true, force: true });
  });

  it('when the model input is fixed, runs at exactly 518x518 and still answers at the photo size', async () => {
    const response = await fetch(`${web.url}/depthapi/v1/depth`, {
      method: 'POST',
      body: imageForm(await readBus()),
    });

    expect(response.status).toBe(200);
    const body = (await response.json()) as DepthJson;
    expect(body.model).toEqual({ name: 'depth_test_static518', inputSize: [518, 518], dynamic: false });
    expect([body.depthMap.width, body.depthMap.height]).toEqual([810, 1080]);
    const info = (await (await fetch(`${web.url}/depthapi/v1/model`)).json()) as Record<string, unknown>;
    expect(info).toMatchObject({ dynamic: false, inputSize: [518, 518] });
  });
});
