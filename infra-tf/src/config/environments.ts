/**
 * The environments this repository deploys. Each states only what differs from the defaults
 * (`defaults.ts`); `PLATFORM_ENV` picks one at synth (default: dev).
 */
import type { PlatformConfigInput } from './platform-config.ts';

export const ENVIRONMENTS = {
  dev: {
    environment: 'dev',
  },
  prod: {
    environment: 'prod',
    network: { instanceSubnets: 'private', azCount: 3 },
    cluster: { minInstances: 2, maxInstances: 8 },
    services: {
      'yolo-api': { minTasks: 2, maxTasks: 8, cpuTargetPercent: 60 },
      'depth-api': { minTasks: 2, maxTasks: 8, cpuTargetPercent: 60 },
      webapp: { minTasks: 2, maxTasks: 4 },
    },
    logRetentionDays: 30,
    ecrKeepImages: 30,
  },
} as const satisfies Record<string, PlatformConfigInput>;

export type EnvironmentName = keyof typeof ENVIRONMENTS;

export function getEnvironment(name: string): PlatformConfigInput {
  if (!Object.hasOwn(ENVIRONMENTS, name)) {
    throw new Error(
      `PLATFORM_ENV="${name}" is not an environment (known: ${Object.keys(ENVIRONMENTS).join(', ')})`,
    );
  }
  return ENVIRONMENTS[name as EnvironmentName];
}
