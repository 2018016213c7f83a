/**
 * What infra-tf leaves in an account, seeded straight into the emulator: one ECR repository,
 * task definition (awsvpc) and ECS service per catalogue service, in one cluster.
 * Returns the environment infra-tf sets on the CodeBuild project.
 */
import { getService, SERVICE_NAMES, type ServiceName } from '@mlip/catalogue';
import { envPrefix } from '../../lib/delivery-config.ts';
import { awsJson, MOTO_ACCOUNT_ID, MOTO_REGION, type MotoServer } from './moto-server.ts';

export interface SeededPlatform {
  cluster: string;
  repositoryUris: Record<ServiceName, string>;
  ecsServices: Record<ServiceName, string>;
  initialTaskDefinitions: Record<ServiceName, string>;
  projectEnv: NodeJS.ProcessEnv;
}

export function seedPlatform(moto: MotoServer, namePrefix: string): SeededPlatform {
  const cluster = `${namePrefix}-cluster`;
  awsJson(moto, ['ecs', 'create-cluster', '--cluster-name', cluster]);
  const vpc = awsJson<{ Vpc: { VpcId: string } }>(moto, ['ec2', 'create-vpc', '--cidr-block', '10.0.0.0/16']);
  const subnet = awsJson<{ Subnet: { SubnetId: string } }>(moto, [
    'ec2',
    'create-subnet',
    '--vpc-id',
    vpc.Vpc.VpcId,
    '--cidr-block',
    '10.0.1.0/24',
  ]);
  // moto validates awsvpc subnets and security groups (and needs securityGroups present).
  const securityGroup = awsJson<{ GroupId: string }>(moto, [
    'ec2',
    'create-security-group',
    '--group-name',
    `${namePrefix}-tasks`,
    '--description',
    'tasks',
    '--vpc-id',
    vpc.Vpc.VpcId,
  ]);
  const repositoryUris = {} as Record<ServiceName, string>;
  const ecsServices = {} as Record<ServiceName, string>;
  const initialTaskDefinitions = {} as Record<ServiceName, string>;
  const projectEnv: NodeJS.ProcessEnv = {
    AWS_ACCOUNT_ID: MOTO_ACCOUNT_ID,
    AWS_DEFAULT_REGION: MOTO_REGION,
    NAME_PREFIX: namePrefix,
    ECS_CLUSTER: cluster,
  };
  for (const name of SERVICE_NAMES) {
    const service = getService(name);
    const repo = awsJson<{ repository: { repositoryUri: string } }>(moto, [
      'ecr',
      'create-repository',
      '--repository-name',
      `${namePrefix}-${service.imageRepository}`,
    ]);
    repositoryUris[name] = repo.repository.repositoryUri;
    const taskDef = awsJson<{ taskDefinition: { taskDefinitionArn: string } }>(moto, [
      'ecs',
      'register-task-definition',
      '--cli-input-json',
      JSON.stringify({
        family: `${namePrefix}-${name}`,
        networkMode: 'awsvpc',
        requiresCompatibilities: ['EC2'],
        cpu: '512',
        memory: '1024',
        containerDefinitions: [
          {
            name,
            image: `${repo.repository.repositoryUri}:bootstrap`,
            essential: true,
            memory: 1024,
            stopTimeout: 30,
            portMappings: [{ containerPort: service.port, protocol: 'tcp' }],
            environment: [{ name: 'LOG_LEVEL', value: 'info' }],
          },
        ],
      }),
    ]);
    initialTaskDefinitions[name] = taskDef.taskDefinition.taskDefinitionArn;
    const ecsService = `${namePrefix}-${name}`;
    awsJson(moto, [
      'ecs',
      'create-service',
      '--cluster',
      cluster,
      '--service-name',
      ecsService,
      '--task-definition',
      taskDef.taskDefinition.taskDefinitionArn,
      '--desired-count',
      '1',
      '--network-configuration',
      JSON.stringify({
        awsvpcConfiguration: {
          subnets: [subnet.Subnet.SubnetId],
          securityGroups: [securityGroup.GroupId],
          assignPublicIp: 'DISABLED',
        },
      }),
    ]);
    ecsServices[name] = ecsService;
    const prefix = envPrefix(name);
    projectEnv[`${prefix}_ECR_URI`] = repo.repository.repositoryUri;
    projectEnv[`${prefix}_ECS_SERVICE`] = ecsService;
    projectEnv[`${prefix}_TASK_FAMILY`] = `${namePrefix}-${name}`;
  }
  return { cluster, repositoryUris, ecsServices, initialTaskDefinitions, projectEnv };
}
