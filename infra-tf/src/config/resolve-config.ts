/**
 * Merges an environment's overrides onto the defaults and validates the result. Invalid config
 * throws at synth, naming every bad key, before any Terraform is written.
 */
import { SERVICE_NAMES, type ServiceName } from '@mlip/catalogue';
import { defaultConfig } from './defaults.ts';
import type { PlatformConfig, PlatformConfigInput, ServiceConfig } from './platform-config.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid platform config:\n  - ${problems.join('\n  - ')}`);
  }
}

export function resolveConfig(input: PlatformConfigInput): PlatformConfig {
  const base = defaultConfig(input.environment);
  const services = Object.fromEntries(
    SERVICE_NAMES.map((name) => [name, { ...base.services[name], ...input.services?.[name] }]),
  ) as Record<ServiceName, ServiceConfig>;
  const config: PlatformConfig = {
    ...base,
    ...pick(input, ['namePrefix', 'region', 'logRetentionDays', 'ecrKeepImages', 'tags', 'remoteState']),
    network: { ...base.network, ...input.network },
    cluster: { ...base.cluster, ...input.cluster },
    loadBalancer: { ...base.loadBalancer, ...input.loadBalancer },
    services,
    scaling: { ...base.scaling, ...input.scaling },
    alarms: { ...base.alarms, ...input.alarms },
    ci: { ...base.ci, ...input.ci, source: { ...base.ci.source, ...input.ci?.source } },
  };
  validateConfig(config, Object.keys(input.services ?? {}));
  return config;
}

function pick<T extends object, K extends keyof T>(obj: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (obj[key] !== undefined) out[key] = obj[key];
  return out;
}

// ECS task-level cpu/memory combinations valid for the EC2 launch type are wide; Fargate's table
// is not enforced here, only sane bounds.
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1827, 3653];

export function validateConfig(config: PlatformConfig, serviceKeys: string[] = []): void {
  const problems: string[] = [];
  const check = (ok: boolean, key: string, message: string) => {
    if (!ok) problems.push(`${key}: ${message}`);
  };
  const int = (value: number, key: string, min: number, max: number) =>
    check(
      Number.isInteger(value) && value >= min && value <= max,
      key,
      `must be an integer in ${min}..${max}, got ${value}`,
    );

  check(
    /^[a-z][a-z0-9-]{0,19}$/.test(config.environment),
    'environment',
    `must match [a-z][a-z0-9-]{0,19}, got "${config.environment}"`,
  );
  // Target-group names (prefix + "-depth-api-tg"... ) are limited to 32 characters by AWS.
  check(
    /^[a-z][a-z0-9-]{1,18}[a-z0-9]$/.test(config.namePrefix),
    'namePrefix',
    `must be 3-20 chars of [a-z0-9-], got "${config.namePrefix}"`,
  );
  check(
    /^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(config.region),
    'region',
    `is not an AWS region name: "${config.region}"`,
  );
  check(
    isCidr(config.network.vpcCidr, 16, 24),
    'network.vpcCidr',
    `must be an IPv4 CIDR /16../24, got "${config.network.vpcCidr}"`,
  );
  int(config.network.azCount, 'network.azCount', 2, 6);
  check(
    ['public', 'private'].includes(config.network.instanceSubnets),
    'network.instanceSubnets',
    `must be "public" or "private", got "${config.network.instanceSubnets}"`,
  );
  check(
    /^[a-z0-9]+[a-z0-9-]*\.[a-z0-9]+$/.test(config.cluster.instanceType),
    'cluster.instanceType',
    `is not an instance type: "${config.cluster.instanceType}"`,
  );
  int(config.cluster.minInstances, 'cluster.minInstances', 0, 100);
  int(config.cluster.maxInstances, 'cluster.maxInstances', 1, 100);
  check(
    config.cluster.maxInstances >= config.cluster.minInstances,
    'cluster.maxInstances',
    'must be >= cluster.minInstances',
  );
  int(config.cluster.rootVolumeGiB, 'cluster.rootVolumeGiB', 30, 1000);
  int(config.cluster.targetCapacityPercent, 'cluster.targetCapacityPercent', 1, 100);

  const lb = config.loadBalancer;
  check(
    lb.certificateArn === null ||
      /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/.test(lb.certificateArn),
    'loadBalancer.certificateArn',
    `is not an ACM certificate ARN: "${lb.certificateArn}"`,
  );
  check(lb.allowedCidrs.length > 0, 'loadBalancer.allowedCidrs', 'must list at least one CIDR');
  for (const [i, cidr] of lb.allowedCidrs.entries()) {
    check(isCidr(cidr, 0, 32), `loadBalancer.allowedCidrs[${i}]`, `is not an IPv4 CIDR: "${cidr}"`);
  }
  int(lb.idleTimeoutSeconds, 'loadBalancer.idleTimeoutSeconds', 1, 4000);
  int(lb.deregistrationDelaySeconds, 'loadBalancer.deregistrationDelaySeconds', 0, 3600);

  for (const key of serviceKeys) {
    check(
      (SERVICE_NAMES as string[]).includes(key),
      `services.${key}`,
      `is not a catalogue service (${SERVICE_NAMES.join(', ')})`,
    );
  }
  for (const name of SERVICE_NAMES) {
    const s = config.services[name];
    const k = `services.${name}`;
    int(s.cpu, `${k}.cpu`, 128, 16384);
    int(s.memoryMiB, `${k}.memoryMiB`, 128, 122880);
    int(s.minTasks, `${k}.minTasks`, 0, 100);
    int(s.maxTasks, `${k}.maxTasks`, 1, 100);
    check(
      s.maxTasks >= s.minTasks,
      `${k}.maxTasks`,
      `must be >= ${k}.minTasks (${s.minTasks}), got ${s.maxTasks}`,
    );
    check(/^[\w][\w.-]{0,127}$/.test(s.imageTag), `${k}.imageTag`, `is not a Docker tag: "${s.imageTag}"`);
    int(s.healthCheckGracePeriodSeconds, `${k}.healthCheckGracePeriodSeconds`, 0, 2_147_483_647);
    for (const env of Object.keys(s.environment)) {
      check(
        /^[A-Z_][A-Z0-9_]*$/.test(env),
        `${k}.environment.${env}`,
        'must be an UPPER_SNAKE variable name',
      );
      check(
        !['PORT', 'SHUTDOWN_DEADLINE_MS'].includes(env),
        `${k}.environment.${env}`,
        'is set by infra-tf from the catalogue; do not override',
      );
    }
    if (s.cpuTargetPercent !== null) int(s.cpuTargetPercent, `${k}.cpuTargetPercent`, 10, 95);
  }

  const sc = config.scaling;
  int(sc.memoryHighPercent, 'scaling.memoryHighPercent', 1, 100);
  int(sc.memoryLowPercent, 'scaling.memoryLowPercent', 0, 99);
  check(
    sc.memoryLowPercent < sc.memoryHighPercent,
    'scaling.memoryLowPercent',
    `must be below scaling.memoryHighPercent (${sc.memoryHighPercent}), got ${sc.memoryLowPercent}`,
  );
  int(sc.cpuLowPercent, 'scaling.cpuLowPercent', 1, 99);
  for (const [k, s] of Object.entries(config.services)) {
    check(
      s.cpuTargetPercent === null || sc.cpuLowPercent < s.cpuTargetPercent,
      'scaling.cpuLowPercent',
      `must be below services.${k}.cpuTargetPercent (${s.cpuTargetPercent}), or scale-in and CPU tracking fight; got ${sc.cpuLowPercent}`,
    );
  }
  check(
    [10, 30].includes(sc.periodSeconds) || (sc.periodSeconds >= 60 && sc.periodSeconds % 60 === 0),
    'scaling.periodSeconds',
    `must be 10, 30 or a multiple of 60, got ${sc.periodSeconds}`,
  );
  int(sc.highEvaluationPeriods, 'scaling.highEvaluationPeriods', 1, 100);
  int(sc.lowEvaluationPeriods, 'scaling.lowEvaluationPeriods', 1, 100);
  int(sc.scaleOutCooldownSeconds, 'scaling.scaleOutCooldownSeconds', 0, 3600);
  int(sc.scaleInCooldownSeconds, 'scaling.scaleInCooldownSeconds', 0, 3600);

  check(
    LOG_RETENTION_DAYS.includes(config.logRetentionDays),
    'logRetentionDays',
    `must be one of ${LOG_RETENTION_DAYS.join(', ')}, got ${config.logRetentionDays}`,
  );
  int(config.ecrKeepImages, 'ecrKeepImages', 1, 1000);
  check(
    config.alarms.http5xxRatePercent > 0 && config.alarms.http5xxRatePercent <= 100,
    'alarms.http5xxRatePercent',
    `must be in (0, 100], got ${config.alarms.http5xxRatePercent}`,
  );
  check(
    config.alarms.email === null || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(config.alarms.email),
    'alarms.email',
    `is not an e-mail address: "${config.alarms.email}"`,
  );

  const src = config.ci.source;
  check(
    ['GITHUB', 'CODECOMMIT', 'S3'].includes(src.type),
    'ci.source.type',
    `must be GITHUB, CODECOMMIT or S3, got "${src.type}"`,
  );
  if (src.type === 'GITHUB')
    check(
      /^https:\/\/github\.com\/[\w.-]+\/[\w.-]+(\.git)?$/.test(src.location),
      'ci.source.location',
      `must be https://github.com/<owner>/<repo>.git for GITHUB, got "${src.location}"`,
    );
  if (src.type === 'CODECOMMIT')
    check(
      /^https:\/\/git-codecommit\.[a-z0-9-]+\.amazonaws\.com\/v1\/repos\/[\w.-]+$/.test(src.location),
      'ci.source.location',
      `must be a CodeCommit HTTPS clone URL, got "${src.location}"`,
    );
  if (src.type === 'S3')
    check(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+\.zip$/.test(src.location),
      'ci.source.location',
      `must be <bucket>/<key>.zip for S3, got "${src.location}"`,
    );
  check(
    !src.webhook || src.type === 'GITHUB',
    'ci.source.webhook',
    `is only supported for GITHUB sources (source is ${src.type})`,
  );
  check(src.branch.length > 0, 'ci.source.branch', 'must not be empty');
  check(
    /^BUILD_GENERAL1_(SMALL|MEDIUM|LARGE|XLARGE|2XLARGE)$/.test(config.ci.computeType),
    'ci.computeType',
    `is not a CodeBuild compute type: "${config.ci.computeType}"`,
  );
  int(config.ci.timeoutMinutes, 'ci.timeoutMinutes', 5, 480);

  if (config.remoteState) {
    const state = config.remoteState;
    check(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(state.bucket),
      'remoteState.bucket',
      `is not an S3 bucket name: "${state.bucket}"`,
    );
    check(
      state.region === null || /^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(state.region),
      'remoteState.region',
      `is not an AWS region name: "${state.region}"`,
    );
  }

  if (problems.length > 0) throw new ConfigError(problems);
}

function isCidr(value: string, minPrefix: number, maxPrefix: number): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!m) return false;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  return octets.every((o) => o <= 255) && prefix >= minPrefix && prefix <= maxPrefix;
}
