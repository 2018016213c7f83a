// @vitest-environment node
// Node environment: the multipart body is read back by the handler, which jsdom's File cannot do.
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { apiPaths } from '@/config/paths.ts';
import { depthFixture, detectionFixture } from '@/testing/mocks/fixtures.ts';
import { estimateDepth } from '../estimate-depth.ts';

const ORIGIN = 'http://ui.test';
const server = setupServer();
const received: FormData[] = [];
// Node's fetch needs absolute URLs; the browser resolves the same origin-relative path.
let realFetch: typeof fetch;

beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' });
  // After listen(): MSW's fetch must see the absolute URL.
  realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => realFetch(new URL(String(input), ORIGIN), init);
});
afterEach(() => {
  server.resetHandlers();
  received.length = 0;
});
afterAll(() => {
  globalThis.fetch = realFetch;
  server.close();
});

describe('estimateDepth', () => {
  it('when boxes are given, posts the image, colour map and boxes as multipart fields', async () => {
    server.use(
      http.post(`${ORIGIN}${apiPaths.depth}`, async ({ request }) => {
        received.push(await request.formData());
        return HttpResponse.json(depthFixture);
      }),
    );
    const image = new File([new Uint8Array([0xff, 0xd8])], 'bus.jpg', { type: 'image/jpeg' });

    const answer = await estimateDepth(image, { colormap: 'turbo', boxes: detectionFixture.detections });

    const form = received[0]!;
    expect(answer.requestId).toBe(depthFixture.requestId);
    expect((form.get('image') as File).name).toBe('bus.jpg');
    expect(form.get('colormap')).toBe('turbo');
    expect(form.get('format')).toBe('json');
    expect(JSON.parse(String(form.get('boxes')))).toEqual(detectionFixture.detections);
  });

  it('when there are no boxes, sends no boxes field', async () => {
    server.use(
      http.post(`${ORIGIN}${apiPaths.depth}`, async ({ request }) => {
        received.push(await request.formData());
        return HttpResponse.json({ ...depthFixture, objects: undefined });
      }),
    );

    await estimateDepth(new File([new Uint8Array([1])], 'a.png'), { colormap: 'inferno', boxes: [] });

    expect(received[0]!.has('boxes')).toBe(false);
  });
});
