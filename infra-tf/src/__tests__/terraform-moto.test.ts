/**
 * The real thing, offline: `terraform apply` of the whole dev stack against moto_server on a
 * loopback port, then the emulator is asked through the AWS API what exists, then `terraform destroy`
 * and the emulator must hold nothing of the stack. The provider is pointed at the emulator only by
 * a test-only override file written into the synth directory.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { albPathPatterns, getDefaultService, listApiServices, listServices } from '@mlip/catalogue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Emulator, emulatorOverride, inspectPlatform, startEmulator } from './helpers/moto-emulator.ts';
import { writePlatformStack } from './helpers/synth-platform.ts';
import { expectOk, terraformAsync, terraformEnv } from './helpers/terraform-cli.ts';

const NAME_PREFIX = 'mlip-dev';

type Json = Record<string, unknown>;
interface Platform {
  loadBalancers: { name: string; dns: string; securityGroups: string[] }[];
  listeners: {
    port: number;
    protocol: string;
    defaultActions: Json[];
    rules: { priority: string; conditions: Json[]; actions: Json[] }[];
  }[];
  targetGroups: {
    name: string;
    arn: string;
    port: number;
    targetType: string;
    healthCheckPath: string;
    deregistrationDelay: string;
  }[];
  clusters: { name: string; settings: Json[]; capacityProviders: string[] }[];
  services: {
    name: string;
    taskDefinition: string;
    loadBalancers: { targetGroupArn: string; containerName: string; containerPort: number }[];
    networkConfiguration: { awsvpcConfiguration?: { securityGroups: string[] } };
  }[];
  taskDefinitions: {
    family: string;
    networkMode: string;
    cpu: string;
    memory: string;
    taskRoleArn: string;
    containers: Json[];
  }[];
  activeTaskDefinitionFamilies: string[];
  alarms: {
    name: string;
    metricName: string | null;
    dimensions: Record<string, string>;
    threshold: number;
    comparison: string;
    actions: string[];
    hasMetricQueries: boolean;
    queries: {
      id: string;
      expression: string | null;
      metricName: string | null;
      dimensions: Record<string, string>;
      returnData: boolean;
    }[];
  }[];
  scalingPolicies: { name: string; arn: string; resourceId: string; type: string }[];
  scalableTargets: { resourceId: string; min: number; max: number }[];
  repositories: {
    name: string;
    uri: string;
    scanOnPush: boolean;
    lifecycle: { rules: { selection: Json }[] };
  }[];
  codebuildProjects: {
    name: string;
    source: Json;
    privileged: boolean;
    environmentVariables: Record<string, string>;
  }[];
  vpcs: string[];
  securityGroups: { id: string; name: string; ingress: Json[]; egress: Json[] }[];
  autoScalingGroups: { name: string; tags: Record<string, string>; protectFromScaleIn: boolean }[];
  roles: string[];
  logGroups: string[];
  dashboards: string[];
}

type PathCondition = { Values?: string[]; PathPatternConfig?: { Values: string[] } };
const pathValues = (c: PathCondition) => c.PathPatternConfig?.Values ?? c.Values;
// Apply and destroy each take 2-4 minutes on a loaded 2-core machine (provider waiters poll every 10 s).
const SLOW = 480_000;

let emulator: Emulator | undefined;
let stackDir = '';
let env: NodeJS.ProcessEnv = {};
let applied = false;
let destroyed = false;
const workDir = mkdtempSync(join(tmpdir(), 'infra-tf-moto-'));

beforeAll(async () => {
  emulator = await startEmulator();
  env = terraformEnv(workDir);
  stackDir = writePlatformStack(join(workDir, 'out'));
  writeFileSync(join(stackDir, 'emulator_override.tf.json'), emulatorOverride(emulator.endpoint));
  expectOk(await terraformAsync(stackDir, ['init', '-input=false'], env), 'terraform init');
});

afterAll(async () => {
  try {
    // A failed assertion must not leave the emulator (or a real account, were it one) half-built.
    if (applied && !destroyed)
      await terraformAsync(stackDir, ['destroy', '-auto-approve', '-parallelism=20'], env);
  } finally {
    await emulator?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}, SLOW);

describe('terraform apply and destroy against moto_server', () => {
  let platform: Platform;

  it(
    'applies the whole dev stack without errors',
    async () => {
      const result = await terraformAsync(
        stackDir,
        ['apply', '-auto-approve', '-input=false', '-parallelism=20'],
        env,
      );
      applied = true;
      expectOk(result, 'terraform apply');
      const created = Number(/Apply complete! Resources: (\d+) added/.exec(result.stdout)?.[1]);
      expect(created).toBeGreaterThan(80);
      platform = await inspectPlatform<Platform>(emulator!.endpoint, NAME_PREFIX);
    },
    SLOW,
  );

  it('the outputs name the emulator ALB, the API base URLs, repositories and the CodeBuild project', async () => {
    const outputs = JSON.parse(
      expectOk(await terraformAsync(stackDir, ['output', '-json'], env), 'terraform output').stdout,
    ) as Record<string, { value: string }>;
    const dns = platform.loadBalancers[0]!.dns;
    expect(outputs.platform_url!.value).toBe(`http://${dns}`);
    for (const service of listApiServices()) {
      expect(outputs[`${service.name.replace(/-/g, '_')}_base_url`]!.value).toBe(
        `http://${dns}${service.pathPrefix}`,
      );
    }
    expect(outputs.codebuild_project_name!.value).toBe(`${NAME_PREFIX}-build`);
    expect(outputs.yolo_api_ecr_repository_url!.value).toBe(
      platform.repositories.find((r) => r.name.endsWith('/yolo-api'))!.uri,
    );
  });

  it('the listener routes each catalogue prefix to its own target group and everything else to the web UI', () => {
    expect(platform.listeners).toHaveLength(1);
    const [listener] = platform.listeners;
    const tgArn = (name: string) =>
      platform.targetGroups.find((t) => t.name === `${NAME_PREFIX}-${name}`)!.arn;
    expect(listener!.defaultActions[0]).toMatchObject({
      Type: 'forward',
      TargetGroupArn: tgArn(getDefaultService().name),
    });
    const rules = listener!.rules.map((r) => ({
      priority: Number(r.priority),
      paths: [...(pathValues(r.conditions[0] as PathCondition) ?? [])].sort(),
      target: (r.actions[0] as { TargetGroupArn: string }).TargetGroupArn,
    }));
    expect(rules.sort((a, b) => a.priority - b.priority)).toEqual(
      listApiServices().map((s) => ({
        priority: s.albRulePriority,
        paths: albPathPatterns(s).sort(),
        target: tgArn(s.name),
      })),
    );
  });

  it('target groups are ip-typed on the container port with the readiness health check and 30 s draining', () => {
    expect(platform.targetGroups).toHaveLength(listServices().length);
    for (const service of listServices()) {
      expect(platform.targetGroups.find((t) => t.name === `${NAME_PREFIX}-${service.name}`)).toMatchObject({
        port: service.port,
        targetType: 'ip',
        healthCheckPath: service.healthPath,
        deregistrationDelay: '30',
      });
    }
  });

  it('each ECS service runs its own awsvpc task definition behind its target group and task security group', () => {
    expect(platform.clusters[0]!.settings).toContainEqual({ name: 'containerInsights', value: 'enabled' });
    expect(platform.services).toHaveLength(listServices().length);
    for (const service of listServices()) {
      const ecsService = platform.services.find((s) => s.name === `${NAME_PREFIX}-${service.name}`)!;
      const tg = platform.targetGroups.find((t) => t.name === `${NAME_PREFIX}-${service.name}`)!;
      expect(ecsService.loadBalancers).toEqual([
        { targetGroupArn: tg.arn, containerName: service.name, containerPort: service.port },
      ]);
      // moto's DescribeServices does not echo capacityProviderStrategy (the unit tests cover it).
      // moto ignores deploymentConfiguration (circuit breaker) entirely; the unit tests cover it.
      const taskSg = platform.securityGroups.find((g) => g.name === `${NAME_PREFIX}-${service.name}-tasks`)!;
      expect(ecsService.networkConfiguration.awsvpcConfiguration!.securityGroups).toEqual([taskSg.id]);

      const td = platform.taskDefinitions.find((t) => t.family === `${NAME_PREFIX}-${service.name}`)!;
      expect(ecsService.taskDefinition).toContain(`task-definition/${td.family}:`);
      expect(td.networkMode).toBe('awsvpc');
      expect(td.taskRoleArn).toContain(`role/${NAME_PREFIX}-${service.name}-task`);
      const [container] = td.containers as {
        name: string;
        image: string;
        portMappings: Json[];
        stopTimeout: number;
      }[];
      expect(container).toMatchObject({ name: service.name, stopTimeout: 30 });
      expect(container!.portMappings[0]).toMatchObject({ containerPort: service.port });
      expect(container!.image).toBe(
        `${platform.repositories.find((r) => r.name === `${NAME_PREFIX}/${service.imageRepository}`)!.uri}:latest`,
      );
    }
  });

  it('security groups chain internet -> ALB (80) -> tasks (container port); instances take nothing', () => {
    const byName = (name: string) => platform.securityGroups.find((g) => g.name === name)!;
    const alb = byName(`${NAME_PREFIX}-alb`);
    expect(alb.ingress).toEqual([expect.objectContaining({ FromPort: 80, ToPort: 80, IpProtocol: 'tcp' })]);
    expect(platform.loadBalancers[0]!.securityGroups).toEqual([alb.id]);
    for (const service of listServices()) {
      const tasks = byName(`${NAME_PREFIX}-${service.name}-tasks`);
      expect(tasks.ingress).toHaveLength(1);
      expect(tasks.ingress[0]).toMatchObject({
        FromPort: service.port,
        ToPort: service.port,
        UserIdGroupPairs: [expect.objectContaining({ GroupId: alb.id })],
      });
      expect(tasks.ingress[0]).toMatchObject({ IpRanges: [] });
    }
    expect(byName(`${NAME_PREFIX}-instances`).ingress).toEqual([]);
    const asg = platform.autoScalingGroups[0]!;
    expect(asg.tags.AmazonECSManaged).toBe('true');
    expect(asg.protectFromScaleIn).toBe(true);
  });

  it('each service: the memory-high alarm fires its scale-out policy, the memory-and-CPU idle alarm its scale-in policy', () => {
    for (const service of listServices()) {
      const ecsName = `${NAME_PREFIX}-${service.name}`;
      const dimensions = { ClusterName: NAME_PREFIX, ServiceName: ecsName };
      expect(platform.scalableTargets).toContainEqual({
        resourceId: `service/${NAME_PREFIX}/${ecsName}`,
        min: 1,
        max: expect.any(Number),
      });
      const policy = (name: string) => {
        const found = platform.scalingPolicies.find((p) => p.name === name)!;
        expect(found).toMatchObject({ type: 'StepScaling', resourceId: `service/${NAME_PREFIX}/${ecsName}` });
        return found;
      };
      const high = platform.alarms.find((a) => a.name === `${ecsName}-memory-high`)!;
      expect(high).toMatchObject({ metricName: 'MemoryUtilization', dimensions });
      expect(high.actions).toEqual([policy(`${ecsName}-memory-scale-out`).arn]);
      const idle = platform.alarms.find((a) => a.name === `${ecsName}-idle`)!;
      expect(idle).toMatchObject({ comparison: 'LessThanThreshold', threshold: 1, hasMetricQueries: true });
      expect(idle.actions).toEqual([policy(`${ecsName}-idle-scale-in`).arn]);
      // metric_query is a set in the provider: compare without order.
      const metrics = idle.queries
        .filter((q) => q.metricName)
        .map((q) => [q.metricName, q.dimensions])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      expect(metrics, JSON.stringify(idle.queries)).toEqual([
        ['CPUUtilization', dimensions],
        ['MemoryUtilization', dimensions],
      ]);
      expect(idle.queries.filter((q) => q.returnData).map((q) => q.expression)).toEqual([
        'MAX([memoryShare, cpuShare])',
      ]);
      const cpuTracking = platform.scalingPolicies.find((p) => p.name === `${ecsName}-cpu-target`);
      if (service.kind === 'api') expect(cpuTracking).toMatchObject({ type: 'TargetTrackingScaling' });
      else expect(cpuTracking).toBeUndefined();
      expect(platform.alarms.find((a) => a.name === `${ecsName}-unhealthy-targets`)).toMatchObject({
        metricName: 'UnHealthyHostCount',
      });
    }
    expect(platform.alarms.find((a) => a.name === `${NAME_PREFIX}-http-5xx-rate`)).toMatchObject({
      hasMetricQueries: true,
    });
    expect(platform.dashboards).toEqual([`${NAME_PREFIX}-platform`]);
  });

  it('ECR repositories scan on push and keep the newest 10 images; CodeBuild is privileged with the buildspec variables', () => {
    expect(platform.repositories.map((r) => r.name).sort()).toEqual(
      listServices()
        .map((s) => `${NAME_PREFIX}/${s.imageRepository}`)
        .sort(),
    );
    for (const repo of platform.repositories) {
      expect(repo.scanOnPush).toBe(true);
      expect(repo.lifecycle.rules[0]!.selection).toMatchObject({
        countType: 'imageCountMoreThan',
        countNumber: 10,
      });
    }
    const [project] = platform.codebuildProjects;
    expect(project).toMatchObject({
      name: `${NAME_PREFIX}-build`,
      privileged: true,
      source: { type: 'GITHUB', buildspec: 'buildspec.yml' },
    });
    expect(project!.environmentVariables).toMatchObject({
      AWS_ACCOUNT_ID: '123456789012',
      AWS_DEFAULT_REGION: 'us-east-1',
      NAME_PREFIX,
      ECS_CLUSTER: NAME_PREFIX,
      YOLO_API_ECR_URI: platform.repositories.find((r) => r.name.endsWith('/yolo-api'))!.uri,
      DEPTH_API_ECS_SERVICE: `${NAME_PREFIX}-depth-api`,
      WEBAPP_TASK_FAMILY: `${NAME_PREFIX}-webapp`,
    });
  });

  it(
    'destroy removes everything of the stack from the emulator',
    async () => {
      const result = await terraformAsync(
        stackDir,
        ['destroy', '-auto-approve', '-input=false', '-parallelism=20'],
        env,
      );
      destroyed = true;
      expectOk(result, 'terraform destroy');
      expect(result.stdout).toMatch(/Destroy complete! Resources: \d+ destroyed/);
      const after = await inspectPlatform<Platform>(emulator!.endpoint, NAME_PREFIX);
      expect(after).toMatchObject({
        loadBalancers: [],
        listeners: [],
        targetGroups: [],
        clusters: [],
        services: [],
        activeTaskDefinitionFamilies: [],
        alarms: [],
        scalingPolicies: [],
        scalableTargets: [],
        repositories: [],
        codebuildProjects: [],
        vpcs: [],
        securityGroups: [],
        autoScalingGroups: [],
        roles: [],
        logGroups: [],
        dashboards: [],
      });
    },
    SLOW,
  );
});
