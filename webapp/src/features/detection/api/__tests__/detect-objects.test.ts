// @vitest-environment node
// Node environment: the multipart body is read back by the handler, which jsdom's File cannot do.
import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiPaths } from '@/config/paths.ts';
import { ApiError } from '@/lib/api-client.ts';
import { detectionFixture } from '@/testing/mocks/fixtures.ts';
import { DETECTION_REQUEST_CONFIDENCE, detectObjects } from '../detect-objects.ts';

const ORIGIN = 'http://ui.test';
const server = setupServer();
let realFetch: typeof fetch;

beforeAll(() => {
  server.listen({ onUnhandledRequest: 'error' });
  // After listen(): MSW's fetch must see the absolute URL.
  realFetch = globalThis.fetch;
  globalThis.fetch = (input, init) => realFetch(new URL(String(input), ORIGIN), init);
});
afterAll(() => {
  globalThis.fetch = realFetch;
  server.close();
});

describe('detectObjects', () => {
  it('posts the image with the low request confidence the local filter starts from', async () => {
    let form: FormData | undefined;
    server.use(
      http.post(`${ORIGIN}${apiPaths.detect}`, async ({ request }) => {
        form = await request.formData();
        return HttpResponse.json(detectionFixture);
      }),
    );

    const answer = await detectObjects(new File([new Uint8Array([1])], 'bus.jpg', { type: 'image/jpeg' }));

    expect(answer.detections).toHaveLength(4);
    expect((form?.get('image') as File).name).toBe('bus.jpg');
    expect(form?.get('confidence')).toBe(String(DETECTION_REQUEST_CONFIDENCE));
  });

  it('when the service answers 413, rejects with a typed ApiError', async () => {
    server.use(
      http.post(`${ORIGIN}${apiPaths.detect}`, () =>
        HttpResponse.json({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'too big' } }, { status: 413 }),
      ),
    );

    const failing = detectObjects(new File([new Uint8Array([1])], 'big.jpg'));

    await expect(failing).rejects.toBeInstanceOf(ApiError);
    await expect(failing).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
  });
});
