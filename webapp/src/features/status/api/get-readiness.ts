import { queryOptions } from '@tanstack/react-query';
import { ApiError, apiClient } from '@/lib/api-client.ts';

export type Readiness = { state: 'ready' } | { state: 'not-ready' | 'down'; reason: string };

/** Poll often enough that a stopped service shows within a few seconds. */
export const READINESS_POLL_MS = 3000;

/**
 * GET the service's readiness path (the ALB health check). A 503 means the process answers but the
 * model is not usable; anything else (502 from the gateway, no connection) means it is down.
 */
export async function getReadiness(healthPath: string, signal?: AbortSignal): Promise<Readiness> {
  try {
    await apiClient.get(healthPath, signal);
    return { state: 'ready' };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 503 && error.code !== 'SERVICE_UNAVAILABLE') {
      return { state: 'not-ready', reason: error.message };
    }
    return { state: 'down', reason: error.message };
  }
}

export function readinessQueryOptions(healthPath: string) {
  return queryOptions({
    queryKey: ['readiness', healthPath],
    queryFn: ({ signal }) => getReadiness(healthPath, signal),
    refetchInterval: READINESS_POLL_MS,
    refetchIntervalInBackground: false,
    staleTime: 0,
    retry: false,
  });
}
