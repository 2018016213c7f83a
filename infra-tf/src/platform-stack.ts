/**
 * The whole platform of one environment, from its typed config. Services, ports, path prefixes
 * and health paths come from the catalogue: target groups, rules, repositories, task definitions
 * and alarms are made by looping over it.
 */
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity/index.js';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition/index.js';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { getDefaultService, listServices, type ServiceName } from '@mlip/catalogue';
import { Aspects, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { SecurityChecksAspect } from './aspects/security-checks.ts';
import { TagsAddingAspect } from './aspects/tagging.ts';
import type { PlatformConfig } from './config/index.ts';
import { CiBuild } from './constructs/ci-build.ts';
import { Cluster } from './constructs/cluster.ts';
import { LoadBalancer } from './constructs/load-balancer.ts';
import { Network } from './constructs/network.ts';
import { Observability } from './constructs/observability.ts';
import { ServiceDeployment } from './constructs/service-deployment.ts';
import { ServiceScaling } from './constructs/service-scaling.ts';
import { TaskExecutionRole } from './constructs/task-execution-role.ts';

export class PlatformStack extends TerraformStack {
  public readonly network: Network;
  public readonly cluster: Cluster;
  public readonly loadBalancer: LoadBalancer;
  public readonly services = new Map<ServiceName, ServiceDeployment>();
  public readonly scaling = new Map<ServiceName, ServiceScaling>();
  public readonly observability: Observability;
  public readonly ci: CiBuild;

  constructor(scope: Construct, id: string, config: PlatformConfig) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: config.region });
    this.configureState(config);
    const identity = new DataAwsCallerIdentity(this, 'identity');
    const partition = new DataAwsPartition(this, 'partition');

    this.network = this.createNetwork(config);
    this.cluster = this.createCluster(config);
    this.loadBalancer = this.createLoadBalancer(config);
    const executionRole = new TaskExecutionRole(this, 'task-execution', { namePrefix: config.namePrefix });
    this.createServices(config, executionRole);
    executionRole.grant(
      [...this.services.values()].map((s) => s.repository.arn),
      [...this.services.values()].map((s) => s.logGroup.arn),
    );
    this.createScaling(config);
    this.observability = this.createObservability(config);
    this.ci = this.createCi(config, identity.accountId, partition.partition, executionRole.role.arn);
    this.createOutputs();
    this.addAspects(config);
  }

  /** Local state by default; with `remoteState`, S3 (encrypted) with S3 or DynamoDB locking. */
  private configureState(config: PlatformConfig): void {
    const state = config.remoteState;
    if (!state) return;
    const backend = new S3Backend(this, {
      bucket: state.bucket,
      key: state.key ?? `${config.namePrefix}/terraform.tfstate`,
      region: state.region ?? config.region,
      encrypt: true,
      ...(state.dynamodbTable ? { dynamodbTable: state.dynamodbTable } : {}),
    });
    // cdktf 0.21's S3Backend predates `use_lockfile` (Terraform >= 1.10 native S3 locking).
    if (!state.dynamodbTable) backend.addOverride('use_lockfile', true);
  }

  private createNetwork(config: PlatformConfig): Network {
    return new Network(this, 'network', { namePrefix: config.namePrefix, ...config.network });
  }

  private createCluster(config: PlatformConfig): Cluster {
    return new Cluster(this, 'cluster', {
      namePrefix: config.namePrefix,
      vpcId: this.network.vpc.id,
      subnetIds: this.network.instanceSubnets.map((s) => s.id),
      ...config.cluster,
    });
  }

  private createLoadBalancer(config: PlatformConfig): LoadBalancer {
    return new LoadBalancer(this, 'load-balancer', {
      namePrefix: config.namePrefix,
      vpcId: this.network.vpc.id,
      subnetIds: this.network.publicSubnets.map((s) => s.id),
      defaultService: getDefaultService(),
      ...config.loadBalancer,
    });
  }

  private createServices(config: PlatformConfig, executionRole: TaskExecutionRole): void {
    for (const service of listServices()) {
      const targetGroup = this.loadBalancer.addService(service);
      const rule = this.loadBalancer.listenerRules.get(service.name);
      this.services.set(
        service.name,
        new ServiceDeployment(this, service.name, {
          namePrefix: config.namePrefix,
          region: config.region,
          service,
          config: config.services[service.name],
          vpcId: this.network.vpc.id,
          subnetIds: this.network.instanceSubnets.map((s) => s.id),
          clusterArn: this.cluster.cluster.arn,
          capacityProviderName: this.cluster.capacityProvider.name,
          targetGroup,
          albSecurityGroupId: this.loadBalancer.securityGroup.id,
          executionRoleArn: executionRole.role.arn,
          logRetentionDays: config.logRetentionDays,
          ecrKeepImages: config.ecrKeepImages,
          dependsOn: [
            this.loadBalancer.servingListener,
            this.cluster.capacityProviders,
            ...(rule ? [rule] : []),
          ],
        }),
      );
    }
  }

  private createScaling(config: PlatformConfig): void {
    for (const [name, deployment] of this.services) {
      const serviceConfig = config.services[name];
      this.scaling.set(
        name,
        new ServiceScaling(this, `${name}-scaling`, {
          clusterName: config.namePrefix,
          serviceName: deployment.resourceName,
          minTasks: serviceConfig.minTasks,
          maxTasks: serviceConfig.maxTasks,
          cpuTargetPercent: serviceConfig.cpuTargetPercent,
          scaling: config.scaling,
          dependsOn: [deployment.ecsService],
        }),
      );
    }
  }

  private createObservability(config: PlatformConfig): Observability {
    return new Observability(this, 'observability', {
      namePrefix: config.namePrefix,
      region: config.region,
      clusterName: config.namePrefix,
      loadBalancerArnSuffix: this.loadBalancer.alb.arnSuffix,
      http5xxRatePercent: config.alarms.http5xxRatePercent,
      alarmEmail: config.alarms.email,
      services: [...this.services].map(([name, deployment]) => {
        const scaling = this.scaling.get(name)!;
        return {
          name,
          ecsServiceName: deployment.resourceName,
          targetGroupArnSuffix: this.loadBalancer.targetGroups.get(name)!.arnSuffix,
          alarmArns: [scaling.memoryHighAlarm.arn, scaling.idleAlarm.arn],
        };
      }),
    });
  }

  private createCi(
    config: PlatformConfig,
    accountId: string,
    partition: string,
    executionRoleArn: string,
  ): CiBuild {
    const deployments = [...this.services.values()];
    return new CiBuild(this, 'ci', {
      namePrefix: config.namePrefix,
      region: config.region,
      accountId,
      partition,
      clusterName: this.cluster.cluster.name,
      services: [...this.services].map(([name, d]) => ({
        name,
        repositoryArn: d.repository.arn,
        repositoryUrl: d.repository.repositoryUrl,
        ecsServiceArn: d.ecsService.id,
        ecsServiceName: d.ecsService.name,
        taskFamily: d.taskDefinition.family,
      })),
      passRoleArns: [executionRoleArn, ...deployments.map((d) => d.taskRole.arn)],
      source: config.ci.source,
      computeType: config.ci.computeType,
      image: config.ci.image,
      timeoutMinutes: config.ci.timeoutMinutes,
      logRetentionDays: config.logRetentionDays,
      dockerHubSecretId: config.ci.dockerHubSecretId,
    });
  }

  private createOutputs(): void {
    const baseUrl = `${this.loadBalancer.scheme}://${this.loadBalancer.dnsName}`;
    new TerraformOutput(this, 'platform_url', { value: baseUrl, description: 'Web UI (ALB default route)' });
    for (const service of listServices()) {
      const key = service.name.replace(/-/g, '_');
      if (service.pathPrefix !== null) {
        new TerraformOutput(this, `${key}_base_url`, {
          value: `${baseUrl}${service.pathPrefix}`,
          description: `${service.name} base URL`,
        });
      }
      new TerraformOutput(this, `${key}_ecr_repository_url`, {
        value: this.services.get(service.name)!.repository.repositoryUrl,
      });
    }
    new TerraformOutput(this, 'ecs_cluster_name', { value: this.cluster.cluster.name });
    new TerraformOutput(this, 'codebuild_project_name', { value: this.ci.project.name });
    new TerraformOutput(this, 'dashboard_url', { value: this.observability.dashboardUrl });
    new TerraformOutput(this, 'alarm_topic_arn', { value: this.observability.alarmTopic.arn });
  }

  private addAspects(config: PlatformConfig): void {
    Aspects.of(this).add(
      new TagsAddingAspect({
        Project: 'ml-image-platform',
        Environment: config.environment,
        ManagedBy: 'cdktf',
        ...config.tags,
      }),
    );
    Aspects.of(this).add(new SecurityChecksAspect([80, 443]));
  }
}
