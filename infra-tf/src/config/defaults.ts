/**
 * Defaults of every configuration key. Numbers are chosen on purpose; docs/infra.md explains each.
 */
import type { ServiceName } from '@mlip/catalogue';
import type { PlatformConfig, ServiceConfig } from './platform-config.ts';

/** The services stop within 25 s of SIGTERM (service-kit SHUTDOWN_DEADLINE_MS). */
export const SERVICE_SHUTDOWN_DEADLINE_SECONDS = 25;
/** ECS stop timeout: SIGKILL only after the services' own deadline has passed. */
export const CONTAINER_STOP_TIMEOUT_SECONDS = 30;

const API_DEFAULTS: Omit<ServiceConfig, 'cpu' | 'memoryMiB'> = {
  minTasks: 1,
  maxTasks: 4,
  imageTag: 'latest',
  // Depth Anything (99 MB float32) loads and warms in well under a minute on 1 vCPU; 120 s leaves margin.
  healthCheckGracePeriodSeconds: 120,
  environment: {},
  // Inference is CPU-bound and memory stays flat under load (bounded admission), so CPU is what
  // shows saturation; the memory alarms stay for what only memory shows.
  cpuTargetPercent: 60,
};

export const DEFAULT_SERVICES: Record<ServiceName, ServiceConfig> = {
  'yolo-api': { ...API_DEFAULTS, cpu: 1024, memoryMiB: 1536 },
  'depth-api': { ...API_DEFAULTS, cpu: 2048, memoryMiB: 3072 },
  webapp: {
    ...API_DEFAULTS,
    cpu: 256,
    memoryMiB: 256,
    maxTasks: 2,
    healthCheckGracePeriodSeconds: 30,
    cpuTargetPercent: null,
  },
};

export function defaultConfig(environment: string): PlatformConfig {
  return {
    environment,
    namePrefix: `mlip-${environment}`,
    region: 'us-east-1',
    network: { vpcCidr: '10.40.0.0/16', azCount: 2, instanceSubnets: 'public' },
    cluster: {
      // 4 vCPU / 8 GiB, 4 ENIs (3 awsvpc tasks per instance): one instance holds one task of each service.
      instanceType: 'c6i.xlarge',
      minInstances: 1,
      maxInstances: 4,
      rootVolumeGiB: 30,
      targetCapacityPercent: 100,
    },
    loadBalancer: {
      certificateArn: null,
      allowedCidrs: ['0.0.0.0/0'],
      idleTimeoutSeconds: 60,
      deregistrationDelaySeconds: 30,
    },
    services: DEFAULT_SERVICES,
    scaling: {
      memoryHighPercent: 70,
      memoryLowPercent: 30,
      cpuLowPercent: 20,
      periodSeconds: 60,
      highEvaluationPeriods: 2,
      lowEvaluationPeriods: 10,
      scaleOutCooldownSeconds: 120,
      scaleInCooldownSeconds: 300,
    },
    logRetentionDays: 14,
    ecrKeepImages: 10,
    alarms: { http5xxRatePercent: 5, email: null },
    ci: {
      source: {
        type: 'GITHUB',
        location: 'https://github.com/your-org/ml-image-platform.git',
        branch: 'main',
        webhook: false,
      },
      computeType: 'BUILD_GENERAL1_MEDIUM',
      image: 'aws/codebuild/amazonlinux2-x86_64-standard:5.0',
      timeoutMinutes: 60,
      dockerHubSecretId: null,
    },
    remoteState: null,
    tags: {},
  };
}
