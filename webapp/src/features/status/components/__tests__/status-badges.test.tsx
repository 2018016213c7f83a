import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { monitoredServices } from '@/config/paths.ts';
import { server } from '@/testing/mocks/server.ts';
import { createTestQueryClient } from '@/testing/render-app.tsx';
import { StatusBadges } from '../status-badges.tsx';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const [yolo, depth] = monitoredServices;

function renderBadges() {
  return render(
    <QueryClientProvider client={createTestQueryClient()}>
      <StatusBadges />
    </QueryClientProvider>,
  );
}

describe('service status badges', () => {
  it('when a readiness path answers 503, turns that badge red and keeps the other green', async () => {
    server.use(
      http.get(depth!.healthPath, () =>
        HttpResponse.json({ status: 'not-ready', reason: 'model loading' }, { status: 503 }),
      ),
    );

    renderBadges();

    const depthBadge = screen.getByTestId('status-depth');
    await waitFor(() => expect(depthBadge).toHaveClass('status-not-ready'));
    expect(depthBadge).toHaveTextContent('Depth: not ready');
    expect(depthBadge).toHaveAttribute('title', 'model loading');
    await waitFor(() => expect(screen.getByTestId('status-detection')).toHaveClass('status-ready'));
  });

  it('when the gateway cannot reach a service, shows it as down', async () => {
    server.use(
      http.get(yolo!.healthPath, () =>
        HttpResponse.json(
          { error: { code: 'UPSTREAM_UNAVAILABLE', message: 'connection refused' } },
          { status: 502 },
        ),
      ),
    );

    renderBadges();

    await waitFor(() => expect(screen.getByTestId('status-detection')).toHaveClass('status-down'));
    expect(screen.getByTestId('status-detection')).toHaveTextContent('Detection: down');
  });
});
