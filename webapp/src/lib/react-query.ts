import { type DefaultOptions, QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-client.ts';

/** Statuses that say "try again later" (model loading, overloaded, restarting, gateway hiccup). */
const RETRYABLE_STATUSES = new Set([502, 503, 504]);

export const queryConfig = {
  queries: {
    refetchOnWindowFocus: false,
    // An image is analysed once: inference answers do not go stale while the page is open.
    staleTime: Number.POSITIVE_INFINITY,
    retry: (failureCount, error) =>
      failureCount < 2 && error instanceof ApiError && RETRYABLE_STATUSES.has(error.status),
  },
} satisfies DefaultOptions;

export function createQueryClient(): QueryClient {
  return new QueryClient({ defaultOptions: queryConfig });
}
