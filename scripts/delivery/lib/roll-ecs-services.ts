/**
 * Rolls each ECS service onto its new image: a new revision of the service's current task
 * definition with only the container image changed (cpu, memory, roles, health check, logs
 * stay as infra-tf wrote them), then `update-service` onto that revision. ECS replaces the
 * tasks with its rolling deployment (circuit breaker and rollback are set by infra-tf).
 */

import type { DeliveryConfig, ImageTarget } from './delivery-config.ts';
import { imageRef } from './docker-images.ts';
import { capture, run } from './exec.ts';

type Json = Record<string, unknown>;

/** Fields describe-task-definition returns that register-task-definition rejects. */
const READ_ONLY_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
] as const;

function aws(args: string[]): Json {
  return JSON.parse(capture('aws', [...args, '--output', 'json'])) as Json;
}

/** The register-task-definition input for `taskDefinition` with `containerName`'s image replaced. */
export function withImage(taskDefinition: Json, containerName: string, image: string): Json {
  const input: Json = { ...taskDefinition };
  for (const field of READ_ONLY_FIELDS) delete input[field];
  const containers = (input.containerDefinitions as Json[] | undefined) ?? [];
  if (!containers.some((c) => c.name === containerName)) {
    const names = containers.map((c) => String(c.name)).join(', ');
    throw new Error(
      `task definition ${String(taskDefinition.family)} has no container "${containerName}" (has: ${names})`,
    );
  }
  input.containerDefinitions = containers.map((c) => (c.name === containerName ? { ...c, image } : c));
  return input;
}

export interface RolledService {
  service: string;
  taskDefinitionArn: string;
  image: string;
}

export function rollService(config: DeliveryConfig, target: ImageTarget): RolledService {
  const cluster = config.cluster!;
  const serviceName = target.ecsService!;
  const image = imageRef(target, config.imageTag);
  const described = aws(['ecs', 'describe-services', '--cluster', cluster, '--services', serviceName]);
  const service = (described.services as Json[] | undefined)?.[0];
  if (!service || service.status === 'INACTIVE') {
    throw new Error(
      `ECS service ${serviceName} not found in cluster ${cluster} (has infra-tf been applied?)`,
    );
  }
  const current = aws([
    'ecs',
    'describe-task-definition',
    '--task-definition',
    String(service.taskDefinition),
  ]).taskDefinition as Json;
  const input = withImage(current, target.containerName, image);
  const registered = aws(['ecs', 'register-task-definition', '--cli-input-json', JSON.stringify(input)])
    .taskDefinition as Json;
  const taskDefinitionArn = String(registered.taskDefinitionArn);
  process.stdout.write(`${serviceName}: registered ${taskDefinitionArn} with ${image}\n`);
  aws([
    'ecs',
    'update-service',
    '--cluster',
    cluster,
    '--service',
    serviceName,
    '--task-definition',
    taskDefinitionArn,
  ]);
  process.stdout.write(`${serviceName}: deployment started\n`);
  return { service: serviceName, taskDefinitionArn, image };
}

/** Blocks until every rolled service is stable (aws waiter: 40 polls x 15 s). */
export function waitForStability(config: DeliveryConfig, services: string[]): void {
  if (services.length === 0) return;
  process.stdout.write(`waiting for ${services.join(', ')} to become stable\n`);
  run('aws', ['ecs', 'wait', 'services-stable', '--cluster', config.cluster!, '--services', ...services]);
}
