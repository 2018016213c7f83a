/**
 * yolo-api over real HTTP, in-process on port 0, with the real model and real images.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startYoloServer, stopYoloServer, type YoloServer } from '../server.ts';
import { byLabel, type DetectJson, errorOf, MODEL_PATH, readJson, readSample } from './helpers.ts';

const quiet = { LOG_LEVEL: 'silent' };

describe('POST /yoloapi/v1/detect with the real model', () => {
  let web: YoloServer;
  let bus: Buffer;
  let detectUrl: string;

  beforeAll(async () => {
    bus = await readSample('bus.jpg');
    web = await startYoloServer({
      env: quiet,
      overrides: { port: 0, host: '127.0.0.1', modelPath: MODEL_PATH },
    });
    await web.modelLoad;
    detectUrl = `${web.url}/yoloapi/v1/detect`;
  });
  afterAll(() => stopYoloServer(web));

  const expectBusScene = (body: DetectJson) => {
    expect(body.image).toEqual({ width: 810, height: 1080 });
    expect(body.model).toEqual({ name: 'yolov8n_int8', inputSize: [640, 640], layout: 'v8' });
    const [busBox, ...otherBuses] = byLabel(body.detections, 'bus');
    expect(busBox).toBeDefined();
    expect(otherBuses).toHaveLength(0);
    // The bus spans most of the width, in the upper-middle of the photo.
    expect(busBox!.box.x2 - busBox!.box.x1).toBeGreaterThan(0.8 * 810);
    expect(busBox!.box.y1).toBeGreaterThan(150);
    expect(busBox!.box.y2).toBeLessThan(850);
    const persons = byLabel(body.detections, 'person');
    expect(persons.length).toBeGreaterThanOrEqual(3);
    for (const p of persons.filter((d) => d.confidence > 0.5)) {
      // Standing people: taller than wide, feet in the lower half.
      expect(p.box.y2 - p.box.y1).toBeGreaterThan(p.box.x2 - p.box.x1);
      expect(p.box.y2).toBeGreaterThan(1080 / 2);
    }
    for (const d of body.detections) {
      expect(d.box.x1).toBeLessThan(d.box.x2);
      expect(d.box.y1).toBeLessThan(d.box.y2);
      expect(d.box.x1).toBeGreaterThanOrEqual(0);
      expect(d.box.x2).toBeLessThanOrEqual(810);
      expect(d.box.y2).toBeLessThanOrEqual(1080);
      expect(d.confidence).toBeGreaterThanOrEqual(0.25);
    }
  };

  it('multipart bus.jpg: a bus across the width and at least three people standing in front', async () => {
    const form = new FormData();
    form.append('image', new Blob([bus], { type: 'image/jpeg' }), 'bus.jpg');
    const res = await fetch(detectUrl, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    expect(res.headers.get('server-timing')).toMatch(/inference;dur=\d/);
    const body = await readJson<DetectJson>(res);
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
    expectBusScene(body);
    expect(body.timings.totalMs).toBeGreaterThan(body.timings.inferenceMs);
  });

  it('raw image/jpeg body gives the same scene', async () => {
    const res = await fetch(detectUrl, {
      method: 'POST',
      body: bus,
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(res.status).toBe(200);
    expectBusScene(await readJson<DetectJson>(res));
  });

  it('JSON base64 gives the same scene', async () => {
    const res = await fetch(detectUrl, {
      method: 'POST',
      body: JSON.stringify({ image: bus.toString('base64') }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
    expectBusScene(await readJson<DetectJson>(res));
  });

  it('a JPEG stored sideways with EXIF orientation 6 is turned upright first: same scene, same frame', async () => {
    const sideways = await sharp(bus)
      .rotate(-90)
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 95 })
      .toBuffer();
    expect((await sharp(sideways).metadata()).width).toBe(1080);
    const res = await fetch(detectUrl, {
      method: 'POST',
      body: sideways,
      headers: { 'content-type': 'image/jpeg' },
    });
    expectBusScene(await readJson<DetectJson>(res));
  });

  it('options: classes by name, confidence and maxDetections filter the answer', async () => {
    const post = async (query: string) =>
      readJson<DetectJson>(
        await fetch(`${detectUrl}?${query}`, {
          method: 'POST',
          body: bus,
          headers: { 'content-type': 'image/jpeg' },
        }),
      );
    const onlyBus = await post('classes=bus');
    expect(onlyBus.detections.map((d) => d.label)).toEqual(['bus']);
    const onlyPeople = await post('classes=0&maxDetections=2');
    expect(onlyPeople.detections).toHaveLength(2);
    expect(onlyPeople.detections.every((d) => d.classId === 0)).toBe(true);
    const strict = await post('confidence=0.99');
    expect(strict.detections).toEqual([]);
  });

  it('JSON options: classes as a JSON array', async () => {
    const res = await fetch(detectUrl, {
      method: 'POST',
      body: JSON.stringify({ image: bus.toString('base64'), classes: ['person'], confidence: 0.5 }),
      headers: { 'content-type': 'application/json' },
    });
    const body = await readJson<DetectJson>(res);
    expect(body.detections.length).toBeGreaterThanOrEqual(3);
    expect(body.detections.every((d) => d.label === 'person' && d.confidence >= 0.5)).toBe(true);
  });

  it('annotate=1 and Accept: image/jpeg return a JPEG of the original size with boxes drawn', async () => {
    for (const [query, headers] of [
      ['?annotate=1', { 'content-type': 'image/jpeg' }],
      ['', { 'content-type': 'image/jpeg', accept: 'image/jpeg' }],
    ] as const) {
      const res = await fetch(`${detectUrl}${query}`, { method: 'POST', body: bus, headers });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect(Number(res.headers.get('x-detections'))).toBeGreaterThanOrEqual(4);
      const jpeg = Buffer.from(await res.arrayBuffer());
      const meta = await sharp(jpeg).metadata();
      expect([meta.width, meta.height]).toEqual([810, 1080]);
      // The annotated image differs from the plain decode (boxes were drawn).
      const [a, b] = await Promise.all([sharp(jpeg).raw().toBuffer(), sharp(bus).raw().toBuffer()]);
      let differing = 0;
      for (let i = 0; i < a.length; i += 3) if (Math.abs(a[i]! - b[i]!) > 60) differing++;
      expect(differing).toBeGreaterThan(2000);
    }
  });

  it.each([
    ['empty body', 400, 'MISSING_IMAGE', '', 'image/jpeg'],
    [
      'text sent as image/jpeg',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'this is not an image, just text',
      'image/jpeg',
    ],
    ['bad base64', 400, 'INVALID_BASE64', '{"image":"***not base64***"}', 'application/json'],
    ['bad JSON', 400, 'BAD_REQUEST', '{"image": ', 'application/json'],
    [
      'URL input while disabled',
      400,
      'URL_NOT_ALLOWED',
      '{"imageUrl":"https://images.cocodataset.org/x.jpg"}',
      'application/json',
    ],
    [
      'an unsupported content type',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      'a=b',
      'application/x-www-form-urlencoded',
    ],
  ])('%s answers %i %s', async (_name, status, code, body, type) => {
    const res = await fetch(detectUrl, { method: 'POST', body, headers: { 'content-type': type } });
    expect(await errorOf(res)).toEqual([status, code]);
  });

  it('a truncated JPEG answers 422 UNDECODABLE_IMAGE', async () => {
    const res = await fetch(detectUrl, {
      method: 'POST',
      body: bus.subarray(0, 20_000),
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(await errorOf(res)).toEqual([422, 'UNDECODABLE_IMAGE']);
  });

  it('a tiny PNG declaring 30000x30000 answers 413 IMAGE_TOO_LARGE', async () => {
    const { pngDeclaring } = await import('@mlip/service-kit/testing');
    const res = await fetch(detectUrl, {
      method: 'POST',
      body: pngDeclaring(30_000, 30_000),
      headers: { 'content-type': 'image/png' },
    });
    expect(await errorOf(res)).toEqual([413, 'IMAGE_TOO_LARGE']);
  });

  it('a body over the 10 MB default limit answers 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await fetch(detectUrl, {
      method: 'POST',
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 0xff),
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(await errorOf(res)).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  it('an out-of-range option answers 400 INVALID_OPTION naming it', async () => {
    const res = await fetch(`${detectUrl}?iou=2`, {
      method: 'POST',
      body: bus,
      headers: { 'content-type': 'image/jpeg' },
    });
    const body = await readJson<{ error: { code: string; message: string } }>(res);
    expect([res.status, body.error.code]).toEqual([400, 'INVALID_OPTION']);
    expect(body.error.message).toContain('"iou"');
  });

  it('unknown route 404 NOT_FOUND, wrong method 405 with Allow', async () => {
    expect(await errorOf(await fetch(`${web.url}/yoloapi/v2/detect`, { method: 'POST' }))).toEqual([
      404,
      'NOT_FOUND',
    ]);
    const wrong = await fetch(detectUrl);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(await errorOf(wrong)).toEqual([405, 'METHOD_NOT_ALLOWED']);
  });

  it('GET /yoloapi/v1/model reports classes, input size, layout and the file checksum', async () => {
    const info = await readJson<Record<string, unknown>>(await fetch(`${web.url}/yoloapi/v1/model`));
    expect(info).toMatchObject({
      name: 'yolov8n_int8',
      file: 'yolov8n_int8.onnx',
      sha256: '83de8f0d2cd521e00ae2b138c340a03dece35b060b3898509bdc69afff417312',
      bytes: 3_504_119,
      inputSize: [640, 640],
      layout: 'v8',
      classNamesSource: 'model-metadata',
      inputs: [{ name: 'images', shape: [1, 3, 640, 640], type: 'float32' }],
      outputs: [{ name: 'output0', shape: [1, 84, 8400], type: 'float32' }],
    });
    expect((info.classes as string[])[5]).toBe('bus');
  });

  it('metrics count detect requests by status and record per-stage latency; openapi lists the routes', async () => {
    const text = await (await fetch(`${web.url}/yoloapi/metrics`)).text();
    expect(text).toMatch(
      /http_requests_total\{route="\/yoloapi\/v1\/detect",method="POST",status="200"[^}]*\} \d+/,
    );
    expect(text).toMatch(/inference_stage_duration_seconds_count\{[^}]*stage="inference"[^}]*\} [1-9]/);
    expect(text).toContain('model_load_seconds');
    const doc = await readJson<{ paths: Record<string, unknown> }>(
      await fetch(`${web.url}/yoloapi/openapi.json`),
    );
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/yoloapi/v1/detect',
        '/yoloapi/predict_json',
        '/yoloapi/readyz',
        '/yoloapi/metrics',
      ]),
    );
  });
});

describe('URL input (imageUrl, predict_json) with an allowlist', () => {
  let images: Server;
  let imagesPort: number;
  let bus: Buffer;

  beforeAll(async () => {
    bus = await readSample('bus.jpg');
    images = createServer((req, res) => {
      if (req.url === '/val2017/bus.jpg') res.writeHead(200, { 'content-type': 'image/jpeg' }).end(bus);
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => images.listen(0, '127.0.0.1', r));
    imagesPort = (images.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => images.close(() => r())));

  it('with the default address policy, an allowlisted host that is 127.0.0.1 is refused (400 URL_NOT_ALLOWED)', async () => {
    const web = await startYoloServer({
      env: { ...quiet, URL_ALLOWLIST: '127.0.0.1,localhost' },
      overrides: { port: 0, host: '127.0.0.1', modelPath: MODEL_PATH },
    });
    try {
      await web.modelLoad;
      for (const target of [
        `http://127.0.0.1:${imagesPort}/val2017/bus.jpg`,
        `http://localhost:${imagesPort}/val2017/bus.jpg`,
      ]) {
        const res = await fetch(`${web.url}/yoloapi/v1/detect`, {
          method: 'POST',
          body: JSON.stringify({ imageUrl: target }),
          headers: { 'content-type': 'application/json' },
        });
        expect(await errorOf(res)).toEqual([400, 'URL_NOT_ALLOWED']);
      }
      const predict = await fetch(`${web.url}/yoloapi/predict_json`, {
        method: 'POST',
        body: JSON.stringify({
          req_id: 'r1',
          image_id: '1',
          coco_url: `http://127.0.0.1:${imagesPort}/val2017/bus.jpg`,
        }),
        headers: { 'content-type': 'application/json' },
      });
      expect(await errorOf(predict)).toEqual([400, 'URL_NOT_ALLOWED']);
    } finally {
      await stopYoloServer(web);
    }
  });

  it('with the test image host treated as public, imageUrl and predict_json detect the bus', async () => {
    const web = await startYoloServer({
      env: { ...quiet, URL_ALLOWLIST: 'images.cocodataset.org' },
      overrides: { port: 0, host: '127.0.0.1', modelPath: MODEL_PATH },
      // images.cocodataset.org "resolves" to the local test server, which counts as public here only.
      urlFetch: { resolve: async () => ['127.0.0.1'], isAddressAllowed: (a) => a === '127.0.0.1' },
    });
    try {
      await web.modelLoad;
      const url = `http://images.cocodataset.org:${imagesPort}/val2017/bus.jpg`;
      const detect = await fetch(`${web.url}/yoloapi/v1/detect`, {
        method: 'POST',
        body: JSON.stringify({ imageUrl: url, classes: 'bus' }),
        headers: { 'content-type': 'application/json' },
      });
      expect(detect.status).toBe(200);
      expect((await readJson<DetectJson>(detect)).detections.map((d) => d.label)).toEqual(['bus']);
      const predict = await fetch(`${web.url}/yoloapi/predict_json`, {
        method: 'POST',
        body: JSON.stringify({ req_id: 'req-7', image_id: '000000000001', coco_url: url }),
        headers: { 'content-type': 'application/json' },
      });
      expect(predict.status).toBe(200);
      const body = await readJson<DetectJson & { req_id: string; image_id: string }>(predict);
      expect(body).toMatchObject({
        req_id: 'req-7',
        image_id: '000000000001',
        image: { width: 810, height: 1080 },
      });
      expect(byLabel(body.detections, 'person').length).toBeGreaterThanOrEqual(3);
      const missing = await fetch(`${web.url}/yoloapi/predict_json`, {
        method: 'POST',
        body: JSON.stringify({
          req_id: 'x',
          coco_url: `http://images.cocodataset.org:${imagesPort}/nope.jpg`,
        }),
        headers: { 'content-type': 'application/json' },
      });
      expect(await errorOf(missing)).toEqual([422, 'URL_FETCH_FAILED']);
    } finally {
      await stopYoloServer(web);
    }
  });
});
