/**
 * Typed configuration of one environment. Every key has a default (see `DEFAULT_CONFIG`);
 * an environment only states what differs. Services, ports, path prefixes and health paths are
 * NOT configured here: they come from the catalogue (`@mlip/catalogue`).
 */
import type { ServiceName } from '@mlip/catalogue';

export type InstanceSubnets = 'public' | 'private';
export type SourceType = 'GITHUB' | 'CODECOMMIT' | 'S3';

export interface ServiceConfig {
  /** Task CPU units (1024 = one vCPU). */
  readonly cpu: number;
  /** Task memory (MiB): the hard limit, and the denominator of the MemoryUtilization metric. */
  readonly memoryMiB: number;
  /** Autoscaling floor, also the desired count at creation. */
  readonly minTasks: number;
  /** Autoscaling ceiling. */
  readonly maxTasks: number;
  /** Image tag the task definition starts with (the buildspec also pushes the moving tag `latest`). */
  readonly imageTag: string;
  /** Seconds the ALB health check is ignored after a task starts (model load and warm-up). */
  readonly healthCheckGracePeriodSeconds: number;
  /** Extra container environment (PORT and SHUTDOWN_DEADLINE_MS are set from the catalogue / shutdown deadline). */
  readonly environment: Readonly<Record<string, string>>;
  /** CPU target-tracking scale-out beside the memory step scaling (60 for the APIs); `null` = off. */
  readonly cpuTargetPercent: number | null;
}

export interface ScalingConfig {
  /** MemoryUtilization (%) above which tasks are added. */
  readonly memoryHighPercent: number;
  /** MemoryUtilization (%) below which tasks are removed (when CPU is also below `cpuLowPercent`). */
  readonly memoryLowPercent: number;
  /**
   * CPUUtilization (%) that must also be undercut before tasks are removed. Memory alone cannot
   * say a service is idle: admission bounds the queue, so a saturated yolo-api sheds load at flat
   * memory (RSS 264 -> 282 MiB at 4x its saturation rate, 18 % of a 1536 MiB task), and a
   * memory-only scale-in would remove the tasks that CPU tracking just added.
   */
  readonly cpuLowPercent: number;
  /** Alarm period (s); ECS publishes service metrics every 60 s. */
  readonly periodSeconds: number;
  /** Periods above the high threshold before scaling out. */
  readonly highEvaluationPeriods: number;
  /** Periods below the low threshold before scaling in. */
  readonly lowEvaluationPeriods: number;
  /** Cooldown after a scale-out (s). */
  readonly scaleOutCooldownSeconds: number;
  /** Cooldown after a scale-in (s). */
  readonly scaleInCooldownSeconds: number;
}

export interface CiSourceConfig {
  readonly type: SourceType;
  /** GitHub clone URL, CodeCommit clone URL, or `bucket/key.zip` for S3. */
  readonly location: string;
  /** Branch (GitHub/CodeCommit) built by default. */
  readonly branch: string;
  /** Start a build on each push to `branch` (GitHub only; needs the account's GitHub connection). */
  readonly webhook: boolean;
}

export interface RemoteStateConfig {
  readonly bucket: string;
  /** @default '<namePrefix>/terraform.tfstate' */
  readonly key: string | null;
  /** @default the stack's region */
  readonly region: string | null;
  /** DynamoDB lock table (legacy locking); `null` uses S3 native locking (`use_lockfile`, Terraform >= 1.10). */
  readonly dynamodbTable: string | null;
}

export interface PlatformConfig {
  /** Environment name (dev, prod, ...): the Environment tag and the stack name suffix. */
  readonly environment: string;
  /** Prefix of every resource name, e.g. `mlip-dev`. */
  readonly namePrefix: string;
  readonly region: string;
  readonly network: {
    readonly vpcCidr: string;
    /** Availability zones used (>= 2, the ALB needs two). */
    readonly azCount: number;
    /** Where the EC2 instances (and task ENIs) live: `public` (no inbound rule, no NAT) or `private` (one NAT gateway). */
    readonly instanceSubnets: InstanceSubnets;
  };
  readonly cluster: {
    readonly instanceType: string;
    readonly minInstances: number;
    readonly maxInstances: number;
    readonly rootVolumeGiB: number;
    /** Capacity provider target capacity (%): 100 = no idle spare instance. */
    readonly targetCapacityPercent: number;
  };
  readonly loadBalancer: {
    /** ACM certificate: adds an HTTPS listener and turns HTTP into a redirect. */
    readonly certificateArn: string | null;
    /** Client CIDRs allowed to reach the ALB on 80/443. */
    readonly allowedCidrs: readonly string[];
    readonly idleTimeoutSeconds: number;
    /** Target-group draining (s): longer than any request, shorter than the ECS stop path. */
    readonly deregistrationDelaySeconds: number;
  };
  readonly services: Readonly<Record<ServiceName, ServiceConfig>>;
  readonly scaling: ScalingConfig;
  readonly logRetentionDays: number;
  /** ECR lifecycle policy keeps the newest N images. */
  readonly ecrKeepImages: number;
  readonly alarms: {
    /** 5xx (ELB + targets) as a % of requests, alarming threshold. */
    readonly http5xxRatePercent: number;
    /** Optional e-mail subscribed to the alarm topic. */
    readonly email: string | null;
  };
  readonly ci: {
    readonly source: CiSourceConfig;
    readonly computeType: string;
    readonly image: string;
    readonly timeoutMinutes: number;
    /** Secrets Manager secret id with Docker Hub credentials the build may read; `null` = none. */
    readonly dockerHubSecretId: string | null;
  };
  /**
   * Terraform state in S3 (encrypted, with locking) instead of the local file cdktf writes by default.
   * `null` = local state in the stack directory.
   */
  readonly remoteState: RemoteStateConfig | null;
  /** Extra tags on every taggable resource (Project, Environment, ManagedBy are always set). */
  readonly tags: Readonly<Record<string, string>>;
}

/** Everything optional, nested one level: what an environment file writes. */
export type PlatformConfigInput = {
  readonly environment: string;
  readonly services?: { readonly [K in ServiceName]?: Partial<ServiceConfig> };
  readonly ci?: Partial<Omit<PlatformConfig['ci'], 'source'>> & { readonly source?: Partial<CiSourceConfig> };
} & {
  readonly [K in Exclude<keyof PlatformConfig, 'environment' | 'services' | 'ci'>]?: PlatformConfig[K] extends
    | string
    | number
    | null
    | RemoteStateConfig
    ? PlatformConfig[K]
    : PlatformConfig[K] extends Readonly<Record<string, string>>
      ? PlatformConfig[K]
      : Partial<PlatformConfig[K]>;
};
