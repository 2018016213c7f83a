/**
 * ECS cluster on EC2: launch template (ECS-optimised AL2023 AMI from SSM, IMDSv2, encrypted gp3
 * root, no key pair, SSM Session Manager), an Auto Scaling Group the cluster's capacity provider
 * manages (instances follow the tasks), and an instance security group with no inbound rule.
 */
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group/index.js';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter/index.js';
import { EcsCapacityProvider } from '@cdktf/provider-aws/lib/ecs-capacity-provider/index.js';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster/index.js';
import { EcsClusterCapacityProviders } from '@cdktf/provider-aws/lib/ecs-cluster-capacity-providers/index.js';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template/index.js';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group/index.js';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { assumeRolePolicy } from './iam-documents.ts';

export const ECS_AMI_PARAMETER = '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id';

export interface ClusterProps {
  readonly namePrefix: string;
  readonly vpcId: string;
  readonly subnetIds: string[];
  readonly instanceType: string;
  /** @default 1 */
  readonly minInstances: number;
  /** @default 4 */
  readonly maxInstances: number;
  /** @default 30 */
  readonly rootVolumeGiB: number;
  /** @default 100 */
  readonly targetCapacityPercent: number;
}

export class Cluster extends Construct {
  public readonly cluster: EcsCluster;
  public readonly instanceSecurityGroup: SecurityGroup;
  public readonly instanceRole: IamRole;
  public readonly launchTemplate: LaunchTemplate;
  public readonly autoScalingGroup: AutoscalingGroup;
  public readonly capacityProvider: EcsCapacityProvider;
  public readonly capacityProviders: EcsClusterCapacityProviders;

  constructor(scope: Construct, id: string, props: ClusterProps) {
    super(scope, id);
    this.validate(id, props);
    this.cluster = this.createCluster(props);
    this.instanceSecurityGroup = this.createInstanceSecurityGroup(props);
    this.instanceRole = this.createInstanceRole(props);
    this.launchTemplate = this.createLaunchTemplate(props);
    this.autoScalingGroup = this.createAutoScalingGroup(props);
    this.capacityProvider = this.createCapacityProvider(props);
    this.capacityProviders = new EcsClusterCapacityProviders(this, 'capacity-providers', {
      clusterName: this.cluster.name,
      capacityProviders: [this.capacityProvider.name],
      defaultCapacityProviderStrategy: [{ capacityProvider: this.capacityProvider.name, weight: 1, base: 0 }],
    });
  }

  private validate(id: string, props: ClusterProps): void {
    if (props.maxInstances < props.minInstances) {
      throw new Error(
        `Cluster ${id}: maxInstances (${props.maxInstances}) must be >= minInstances (${props.minInstances})`,
      );
    }
  }

  private createCluster(props: ClusterProps): EcsCluster {
    return new EcsCluster(this, 'cluster', {
      name: props.namePrefix,
      setting: [{ name: 'containerInsights', value: 'enabled' }],
    });
  }

  /** Instances accept nothing inbound (no SSH: Session Manager instead); egress reaches ECR, ECS, logs. */
  private createInstanceSecurityGroup(props: ClusterProps): SecurityGroup {
    return new SecurityGroup(this, 'instance-sg', {
      name: `${props.namePrefix}-instances`,
      description: 'ECS container instances: no inbound',
      vpcId: props.vpcId,
      egress: [
        { description: 'all outbound', protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'] },
      ],
      tags: { Name: `${props.namePrefix}-instances` },
    });
  }

  private createInstanceRole(props: ClusterProps): IamRole {
    const role = new IamRole(this, 'instance-role', {
      name: `${props.namePrefix}-ecs-instance`,
      assumeRolePolicy: assumeRolePolicy('ec2.amazonaws.com'),
    });
    // AWS-managed policies: the ECS agent's own permissions, and Session Manager (replaces SSH).
    for (const [key, arn] of [
      ['ecs', 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role'],
      ['ssm', 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'],
    ] as const) {
      new IamRolePolicyAttachment(this, `instance-${key}`, { role: role.name, policyArn: arn });
    }
    return role;
  }

  private createLaunchTemplate(props: ClusterProps): LaunchTemplate {
    const ami = new DataAwsSsmParameter(this, 'ecs-ami', { name: ECS_AMI_PARAMETER });
    const profile = new IamInstanceProfile(this, 'instance-profile', {
      name: `${props.namePrefix}-ecs-instance`,
      role: this.instanceRole.name,
    });
    const userData = [
      '#!/bin/bash',
      'cat >> /etc/ecs/ecs.config <<CONFIG',
      `ECS_CLUSTER=${props.namePrefix}`,
      // Tasks use their task role (169.254.170.2), never the instance role through IMDS.
      'ECS_AWSVPC_BLOCK_IMDS=true',
      'ECS_ENABLE_CONTAINER_METADATA=true',
      'CONFIG',
      '',
    ].join('\n');
    return new LaunchTemplate(this, 'launch-template', {
      name: `${props.namePrefix}-ecs`,
      imageId: ami.value,
      instanceType: props.instanceType,
      iamInstanceProfile: { arn: profile.arn },
      vpcSecurityGroupIds: [this.instanceSecurityGroup.id],
      userData: Fn.base64encode(userData),
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpTokens: 'required',
        // 1 hop: containers on bridge/awsvpc networks cannot reach the instance's IMDS.
        httpPutResponseHopLimit: 1,
      },
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: {
            volumeSize: props.rootVolumeGiB,
            volumeType: 'gp3',
            encrypted: 'true',
            deleteOnTermination: 'true',
          },
        },
      ],
      monitoring: { enabled: true },
      tagSpecifications: [
        { resourceType: 'instance', tags: { Name: `${props.namePrefix}-ecs` } },
        { resourceType: 'volume', tags: { Name: `${props.namePrefix}-ecs` } },
      ],
    });
  }

  private createAutoScalingGroup(props: ClusterProps): AutoscalingGroup {
    return new AutoscalingGroup(this, 'asg', {
      name: `${props.namePrefix}-ecs`,
      minSize: props.minInstances,
      maxSize: props.maxInstances,
      vpcZoneIdentifier: props.subnetIds,
      launchTemplate: { name: this.launchTemplate.name, version: '$Latest' },
      healthCheckType: 'EC2',
      // Managed termination protection: ECS decides which instance may go (none running tasks).
      protectFromScaleIn: true,
      // Protected instances never terminate on their own, so a plain delete waits out its timeout
      // (hashicorp/terraform-provider-aws#4852, #5278): destroy terminates them with the group.
      forceDelete: true,
      tag: [
        { key: 'AmazonECSManaged', value: 'true', propagateAtLaunch: true },
        { key: 'Name', value: `${props.namePrefix}-ecs`, propagateAtLaunch: true },
      ],
      // The capacity provider owns the desired capacity after creation.
      lifecycle: { ignoreChanges: ['desired_capacity'] },
    });
  }

  private createCapacityProvider(props: ClusterProps): EcsCapacityProvider {
    return new EcsCapacityProvider(this, 'capacity-provider', {
      name: `${props.namePrefix}-ec2`,
      autoScalingGroupProvider: {
        autoScalingGroupArn: this.autoScalingGroup.arn,
        managedTerminationProtection: 'ENABLED',
        managedScaling: {
          status: 'ENABLED',
          targetCapacity: props.targetCapacityPercent,
          minimumScalingStepSize: 1,
          maximumScalingStepSize: 2,
          instanceWarmupPeriod: 120,
        },
      },
    });
  }
}
