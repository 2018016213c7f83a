import { QueryClient } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { App } from '@/app/app.tsx';
import { AppProvider } from '@/app/provider.tsx';
import { queryConfig } from '@/lib/react-query.ts';

/** A fresh QueryClient per test: no cache shared between tests, no retries hiding errors. */
export function createTestQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: { queries: { ...queryConfig.queries, retry: false, gcTime: Number.POSITIVE_INFINITY } },
  });
}

export function renderApp(userOptions: Parameters<typeof userEvent.setup>[0] = {}) {
  const user = userEvent.setup(userOptions);
  const queryClient = createTestQueryClient();
  const view = render(
    <AppProvider queryClient={queryClient}>
      <App />
    </AppProvider>,
  );
  return { user, queryClient, ...view };
}

export function imageFile(name = 'bus.jpg'): File {
  return new File([new Uint8Array([0xff, 0xd8, 0xff, 0xd9])], name, { type: 'image/jpeg' });
}
