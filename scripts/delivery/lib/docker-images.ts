/**
 * Building and pushing the three images with the docker CLI: the same calls from CodeBuild
 * (scripts/delivery/ci.ts) and from a laptop (scripts/build-and-push.ts).
 */

import { type DeliveryConfig, type ImageTarget, registryOf } from './delivery-config.ts';
import { capture, run } from './exec.ts';

export function imageRef(target: ImageTarget, tag: string): string {
  return `${target.repositoryUri}:${tag}`;
}

/** Logs docker in to every distinct ECR registry with a token from `aws ecr get-login-password`. */
export function loginToEcr(config: DeliveryConfig): void {
  const registries = [...new Set(config.images.map((i) => registryOf(i.repositoryUri)))];
  for (const registry of registries) {
    process.stdout.write(`logging docker in to ${registry}\n`);
    const password = capture('aws', ['ecr', 'get-login-password', '--region', config.region]);
    run('docker', ['login', '--username', 'AWS', '--password-stdin', registry], { input: password });
  }
}

/**
 * Docker Hub login for base-image pulls, only when DOCKERHUB_SECRET_ID names a Secrets Manager
 * secret holding {"username", "password"}: the credential is read at build time and never sits
 * in the project's plain environment.
 */
export function loginToDockerHub(env: NodeJS.ProcessEnv, region: string): void {
  const secretId = env.DOCKERHUB_SECRET_ID;
  if (!secretId) return;
  process.stdout.write(`logging docker in to Docker Hub with secret ${secretId}\n`);
  const raw = capture('aws', [
    'secretsmanager',
    'get-secret-value',
    '--region',
    region,
    '--secret-id',
    secretId,
    '--query',
    'SecretString',
    '--output',
    'text',
  ]);
  const secret = JSON.parse(raw) as { username?: string; password?: string };
  if (!secret.username || !secret.password) {
    throw new Error(`secret ${secretId} must be JSON with "username" and "password"`);
  }
  run('docker', ['login', '--username', secret.username, '--password-stdin'], { input: secret.password });
}

/** Builds one image with the commit tag and the moving tag, reusing layers of the previous image. */
export interface BuildImageOptions {
  /** Reuse layers of the image under the moving tag (pulled first; a missing one is fine). */
  cacheFrom: boolean;
  /** Target platform; ECS on x86 instances needs linux/amd64 even when built on an ARM laptop. */
  platform: string;
}

export function buildImage(config: DeliveryConfig, target: ImageTarget, opts: BuildImageOptions): void {
  const tags = [config.imageTag, ...(config.movingTag ? [config.movingTag] : [])];
  const cacheArgs: string[] = [];
  if (opts.cacheFrom && config.movingTag) {
    const previous = imageRef(target, config.movingTag);
    try {
      run('docker', ['pull', '--quiet', previous]);
      cacheArgs.push('--cache-from', previous);
    } catch {
      process.stdout.write(`no previous image ${previous} to reuse layers from (first build?)\n`);
    }
  }
  run(
    'docker',
    [
      'build',
      '--platform',
      opts.platform,
      '--file',
      target.dockerfile,
      ...tags.flatMap((t) => ['--tag', imageRef(target, t)]),
      ...cacheArgs,
      // Inline cache metadata makes this image usable as the next build's --cache-from.
      '--build-arg',
      'BUILDKIT_INLINE_CACHE=1',
      '--label',
      `org.opencontainers.image.revision=${config.commitSha}`,
      '--label',
      `org.opencontainers.image.title=${target.service}`,
      '.',
    ],
    { env: { ...process.env, DOCKER_BUILDKIT: '1' } },
  );
}

export function pushImage(config: DeliveryConfig, target: ImageTarget): void {
  for (const tag of [config.imageTag, ...(config.movingTag ? [config.movingTag] : [])]) {
    run('docker', ['push', imageRef(target, tag)]);
  }
}
