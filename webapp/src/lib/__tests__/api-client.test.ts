import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, apiRequest, NETWORK_ERROR } from '../api-client.ts';
import { describeError } from '../error-messages.ts';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

async function catchError(path: string): Promise<unknown> {
  try {
    await apiRequest(path);
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to fail');
}

describe('api client error interceptor', () => {
  it('when the body is a platform error, throws ApiError with its code, status and request id', async () => {
    server.use(
      http.get('/x', () =>
        HttpResponse.json(
          { error: { code: 'PAYLOAD_TOO_LARGE', message: 'too big', requestId: 'r-9' } },
          { status: 413 },
        ),
      ),
    );

    const error = await catchError('/x');

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      status: 413,
      requestId: 'r-9',
      message: 'too big',
    });
    expect(describeError(error)).toBe('That file is too large to upload.');
  });

  it('when the body is not JSON, throws ApiError with an HTTP_<status> code', async () => {
    server.use(http.get('/x', () => new HttpResponse('<html>bad gateway</html>', { status: 502 })));

    const error = await catchError('/x');

    expect(error).toMatchObject({ code: 'HTTP_502', status: 502 });
    expect(describeError(error)).toMatch(/^The request failed \(502\)/);
  });

  it('when the connection fails, throws ApiError NETWORK_ERROR with a readable message', async () => {
    server.use(http.get('/x', () => HttpResponse.error()));

    const error = await catchError('/x');

    expect(error).toMatchObject({ code: NETWORK_ERROR, status: 0 });
    expect(describeError(error)).toBe('Could not reach the server. Check your connection.');
  });

  it('when the answer is 2xx, resolves with the response', async () => {
    server.use(http.get('/x', () => HttpResponse.json({ ok: true })));

    const response = await apiRequest('/x');

    expect(await response.json()).toEqual({ ok: true });
  });
});
