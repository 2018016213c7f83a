/**
 * One catalogue service on the cluster: its ECR repository (scan on push, keep the newest N), log
 * group, task role (no permissions: the services call no AWS API), task definition (awsvpc,
 * container port and readiness health check from the catalogue), security group (only the ALB's
 * group on the container port) and ECS service behind its target group.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy/index.js';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository/index.js';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service/index.js';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import type { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group/index.js';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group/index.js';
import { SecurityGroupRule } from '@cdktf/provider-aws/lib/security-group-rule/index.js';
import type { ServiceDefinition } from '@mlip/catalogue';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import {
  CONTAINER_STOP_TIMEOUT_SECONDS,
  SERVICE_SHUTDOWN_DEADLINE_SECONDS,
  type ServiceConfig,
} from '../config/index.ts';
import { assumeRolePolicy } from './iam-documents.ts';

export interface ServiceDeploymentProps {
  readonly namePrefix: string;
  readonly region: string;
  readonly service: ServiceDefinition;
  readonly config: ServiceConfig;
  readonly vpcId: string;
  readonly subnetIds: string[];
  readonly clusterArn: string;
  readonly capacityProviderName: string;
  readonly targetGroup: LbTargetGroup;
  readonly albSecurityGroupId: string;
  readonly executionRoleArn: string;
  /** @default 14 */
  readonly logRetentionDays: number;
  /** @default 10 */
  readonly ecrKeepImages: number;
  /** Created before the service (listener rule, capacity providers): ECS rejects a TG with no LB. */
  readonly dependsOn: ITerraformDependable[];
}

export class ServiceDeployment extends Construct {
  public readonly repository: EcrRepository;
  public readonly logGroup: CloudwatchLogGroup;
  public readonly taskRole: IamRole;
  public readonly taskDefinition: EcsTaskDefinition;
  public readonly securityGroup: SecurityGroup;
  public readonly ecsService: EcsService;
  /** `<prefix>-<service>`: ECS service name and task-definition family. */
  public readonly resourceName: string;

  constructor(scope: Construct, id: string, props: ServiceDeploymentProps) {
    super(scope, id);
    this.validate(props);
    this.resourceName = `${props.namePrefix}-${props.service.name}`;
    this.repository = this.createRepository(props);
    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/ecs/${this.resourceName}`,
      retentionInDays: props.logRetentionDays,
    });
    this.taskRole = new IamRole(this, 'task-role', {
      name: `${this.resourceName}-task`,
      description: `Task role of ${props.service.name}: no permissions, the service calls no AWS API`,
      assumeRolePolicy: assumeRolePolicy('ecs-tasks.amazonaws.com'),
    });
    this.taskDefinition = this.createTaskDefinition(props);
    this.securityGroup = this.createSecurityGroup(props);
    this.ecsService = this.createService(props);
  }

  private validate(props: ServiceDeploymentProps): void {
    const { config, service } = props;
    if (config.maxTasks < config.minTasks) {
      throw new Error(
        `ServiceDeployment ${service.name}: maxTasks (${config.maxTasks}) < minTasks (${config.minTasks})`,
      );
    }
  }

  private createRepository(props: ServiceDeploymentProps): EcrRepository {
    const repository = new EcrRepository(this, 'repository', {
      name: `${props.namePrefix}/${props.service.imageRepository}`,
      // Mutable: the buildspec moves the `latest` tag; commit tags are never re-pushed.
      imageTagMutability: 'MUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: 'AES256' }],
      // Destroy removes the repository even with images in it (the images are rebuilt by CI).
      forceDelete: true,
    });
    new EcrLifecyclePolicy(this, 'lifecycle', {
      repository: repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `keep the newest ${props.ecrKeepImages} images`,
            selection: {
              tagStatus: 'any',
              countType: 'imageCountMoreThan',
              countNumber: props.ecrKeepImages,
            },
            action: { type: 'expire' },
          },
        ],
      }),
    });
    return repository;
  }

  private createTaskDefinition(props: ServiceDeploymentProps): EcsTaskDefinition {
    const { service, config } = props;
    const healthUrl = `http://127.0.0.1:${service.port}${service.healthPath}`;
    const environment = {
      ...config.environment,
      PORT: String(service.port),
      SHUTDOWN_DEADLINE_MS: String(SERVICE_SHUTDOWN_DEADLINE_SECONDS * 1000),
    };
    const container = {
      name: service.name,
      image: `${this.repository.repositoryUrl}:${config.imageTag}`,
      essential: true,
      portMappings: [{ containerPort: service.port, protocol: 'tcp' }],
      environment: Object.entries(environment)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => ({ name, value })),
      // The image has no curl: node's fetch probes the same readiness path as the ALB.
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('${healthUrl}').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`,
        ],
        interval: 15,
        timeout: 5,
        retries: 3,
        startPeriod: Math.min(300, config.healthCheckGracePeriodSeconds),
      },
      // SIGKILL only after the service's own 25 s shutdown deadline.
      stopTimeout: CONTAINER_STOP_TIMEOUT_SECONDS,
      readonlyRootFilesystem: false,
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': this.logGroup.name,
          'awslogs-region': props.region,
          'awslogs-stream-prefix': service.name,
        },
      },
    };
    return new EcsTaskDefinition(this, 'task-definition', {
      family: this.resourceName,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['EC2'],
      cpu: String(config.cpu),
      memory: String(config.memoryMiB),
      executionRoleArn: props.executionRoleArn,
      taskRoleArn: this.taskRole.arn,
      containerDefinitions: JSON.stringify([container]),
    });
  }

  /** Tasks accept only the ALB's group on the container port; egress 443 for allow-listed image URLs. */
  private createSecurityGroup(props: ServiceDeploymentProps): SecurityGroup {
    const group = new SecurityGroup(this, 'task-sg', {
      name: `${this.resourceName}-tasks`,
      description: `${props.service.name} tasks: only from the ALB on ${props.service.port}`,
      vpcId: props.vpcId,
      tags: { Name: `${this.resourceName}-tasks` },
    });
    new SecurityGroupRule(this, 'from-alb', {
      type: 'ingress',
      securityGroupId: group.id,
      sourceSecurityGroupId: props.albSecurityGroupId,
      protocol: 'tcp',
      fromPort: props.service.port,
      toPort: props.service.port,
      description: 'from the ALB',
    });
    new SecurityGroupRule(this, 'alb-to-tasks', {
      type: 'egress',
      securityGroupId: props.albSecurityGroupId,
      sourceSecurityGroupId: group.id,
      protocol: 'tcp',
      fromPort: props.service.port,
      toPort: props.service.port,
      description: `to ${props.service.name} tasks`,
    });
    new SecurityGroupRule(this, 'https-out', {
      type: 'egress',
      securityGroupId: group.id,
      cidrBlocks: ['0.0.0.0/0'],
      protocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      description: 'HTTPS out (allow-listed image URLs)',
    });
    return group;
  }

  private createService(props: ServiceDeploymentProps): EcsService {
    return new EcsService(this, 'service', {
      name: this.resourceName,
      cluster: props.clusterArn,
      taskDefinition: this.taskDefinition.arn,
      desiredCount: props.config.minTasks,
      capacityProviderStrategy: [{ capacityProvider: props.capacityProviderName, weight: 1, base: 0 }],
      networkConfiguration: {
        subnets: props.subnetIds,
        securityGroups: [this.securityGroup.id],
        assignPublicIp: false,
      },
      loadBalancer: [
        {
          targetGroupArn: props.targetGroup.arn,
          containerName: props.service.name,
          containerPort: props.service.port,
        },
      ],
      healthCheckGracePeriodSeconds: props.config.healthCheckGracePeriodSeconds,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      orderedPlacementStrategy: [
        { type: 'spread', field: 'attribute:ecs.availability-zone' },
        { type: 'binpack', field: 'memory' },
      ],
      enableEcsManagedTags: true,
      propagateTags: 'SERVICE',
      // Autoscaling owns the task count after creation; a re-apply must not reset it.
      lifecycle: { ignoreChanges: ['desired_count'] },
      dependsOn: props.dependsOn,
    });
  }
}
