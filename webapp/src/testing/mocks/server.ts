import { HttpResponse, http } from 'msw';
import { setupServer } from 'msw/node';
import { apiPaths, monitoredServices } from '@/config/paths.ts';
import { depthFixture, detectionFixture } from './fixtures.ts';

/**
 * Requests the handlers saw, so tests can assert "no new request". The bodies are not read here:
 * under jsdom a multipart body with a File never finishes streaming through Node's fetch, so the
 * form fields are asserted by the endpoint tests, which run in the node environment.
 */
export const requests = { detect: 0, depth: 0 };

export const handlers = [
  http.post(apiPaths.detect, () => {
    requests.detect += 1;
    return HttpResponse.json(detectionFixture);
  }),
  http.post(apiPaths.depth, () => {
    requests.depth += 1;
    return HttpResponse.json(depthFixture);
  }),
  ...monitoredServices.map((s) => http.get(s.healthPath, () => HttpResponse.json({ status: 'ready' }))),
];

export const server = setupServer(...handlers);

export function resetRequests(): void {
  requests.detect = 0;
  requests.depth = 0;
}
