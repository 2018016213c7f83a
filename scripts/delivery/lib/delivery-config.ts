/**
 * What a build needs to know about its target, read from the environment that infra-tf sets
 * on the CodeBuild project (or that a laptop user exports). Nothing here is hard-coded:
 * account, region, repositories, cluster and services all come from these variables.
 *
 *   AWS_DEFAULT_REGION (or AWS_REGION)   region of ECR and ECS
 *   AWS_ACCOUNT_ID                       account id (only used in messages; URIs carry it)
 *   NAME_PREFIX                          environment name prefix, e.g. mlip-dev (labels, messages)
 *   ECS_CLUSTER                          cluster name or ARN holding the services
 *   <SVC>_ECR_URI                        repository URI per image, SVC = YOLO_API | DEPTH_API | WEBAPP
 *   <SVC>_ECS_SERVICE                    ECS service name per image
 *   <SVC>_CONTAINER_NAME                 container to update in the task definition (default: catalogue name)
 *   IMAGE_TAG                            commit tag (default: first 12 of CODEBUILD_RESOLVED_SOURCE_VERSION or git HEAD)
 *   MOVING_TAG                           moving tag pushed beside it (default: latest; empty = none)
 */
import { spawnSync } from 'node:child_process';
import { getService, REPO_ROOT, SERVICE_NAMES, type ServiceName } from '@mlip/catalogue';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface ImageTarget {
  service: ServiceName;
  /** Dockerfile path relative to the repository root. */
  dockerfile: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>` */
  repositoryUri: string;
  /** ECS service to roll, when known. */
  ecsService: string | undefined;
  containerName: string;
}

export interface DeliveryConfig {
  region: string;
  accountId: string | undefined;
  namePrefix: string | undefined;
  cluster: string | undefined;
  commitSha: string;
  imageTag: string;
  movingTag: string | undefined;
  images: ImageTarget[];
}

/** `yolo-api` -> `YOLO_API`, the prefix of that service's variables. */
export function envPrefix(service: ServiceName): string {
  return service.toUpperCase().replace(/-/g, '_');
}

/** The commit being built: CodeBuild's resolved source version, else git HEAD. */
export function resolveCommitSha(env: NodeJS.ProcessEnv): string | undefined {
  const fromCodeBuild = env.CODEBUILD_RESOLVED_SOURCE_VERSION?.trim();
  if (fromCodeBuild) return fromCodeBuild;
  const git = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return git.status === 0 ? git.stdout.trim() : undefined;
}

/** Tag that traces an image to its commit: the first 12 hex digits of the sha. */
export function commitTag(sha: string): string {
  if (!/^[0-9a-f]{7,40}$/i.test(sha)) {
    throw new ConfigError(`"${sha}" is not a commit sha; set IMAGE_TAG to tag images explicitly`);
  }
  return sha.slice(0, 12).toLowerCase();
}

export interface ReadConfigOptions {
  /** Require every <SVC>_ECR_URI (push) or also <SVC>_ECS_SERVICE and ECS_CLUSTER (roll). */
  require: 'none' | 'push' | 'roll';
  services?: readonly ServiceName[];
}

export function readDeliveryConfig(env: NodeJS.ProcessEnv, opts: ReadConfigOptions): DeliveryConfig {
  const missing: string[] = [];
  const region = env.AWS_DEFAULT_REGION ?? env.AWS_REGION;
  if (!region && opts.require !== 'none') missing.push('AWS_DEFAULT_REGION');
  const sha = resolveCommitSha(env);
  if (!sha && !env.IMAGE_TAG) {
    throw new ConfigError(
      'no commit: set CODEBUILD_RESOLVED_SOURCE_VERSION or IMAGE_TAG, or run inside a git checkout',
    );
  }
  const imageTag = env.IMAGE_TAG || commitTag(sha!);
  const commitSha = sha ?? imageTag;
  const cluster = env.ECS_CLUSTER || undefined;
  if (!cluster && opts.require === 'roll') missing.push('ECS_CLUSTER');

  const images = (opts.services ?? SERVICE_NAMES).map((name): ImageTarget => {
    const prefix = envPrefix(name);
    const service = getService(name);
    const repositoryUri = env[`${prefix}_ECR_URI`] ?? '';
    if (!repositoryUri && opts.require !== 'none') missing.push(`${prefix}_ECR_URI`);
    const ecsService = env[`${prefix}_ECS_SERVICE`] || undefined;
    if (!ecsService && opts.require === 'roll') missing.push(`${prefix}_ECS_SERVICE`);
    return {
      service: name,
      dockerfile: `${service.workspaceDir}/Dockerfile`,
      repositoryUri: repositoryUri || `${service.imageRepository}`,
      ecsService,
      containerName: env[`${prefix}_CONTAINER_NAME`] || service.name,
    };
  });
  if (missing.length > 0) {
    throw new ConfigError(
      `missing environment variable(s): ${missing.join(', ')} (infra-tf sets them on the CodeBuild project; ` +
        'see docs/delivery.md, "Build environment")',
    );
  }
  return {
    region: region ?? '',
    accountId: env.AWS_ACCOUNT_ID || undefined,
    namePrefix: env.NAME_PREFIX || undefined,
    cluster,
    commitSha,
    imageTag,
    movingTag: env.MOVING_TAG === undefined ? 'latest' : env.MOVING_TAG || undefined,
    images,
  };
}

/** Registry host of a repository URI (`123.dkr.ecr.eu-west-1.amazonaws.com/x` -> the host). */
export function registryOf(repositoryUri: string): string {
  return repositoryUri.split('/')[0]!;
}
