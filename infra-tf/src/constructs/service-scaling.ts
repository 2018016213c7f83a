/**
 * Task autoscaling of one ECS service: CloudWatch alarms on the service's MemoryUtilization
 * (high, low) drive App Auto Scaling step policies (out, in) between min and max tasks; an optional
 * CPU target-tracking policy adds a second reason to scale out.
 */
import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy/index.js';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target/index.js';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { ScalingConfig } from '../config/index.ts';

export interface ServiceScalingProps {
  readonly clusterName: string;
  readonly serviceName: string;
  /** @default 1 */
  readonly minTasks: number;
  /** @default 4 */
  readonly maxTasks: number;
  readonly scaling: ScalingConfig;
  /** @default null (no CPU target tracking) */
  readonly cpuTargetPercent: number | null;
  /** The ECS service (names are passed as plain strings, so the dependency is explicit). */
  readonly dependsOn: ITerraformDependable[];
}

export class ServiceScaling extends Construct {
  public readonly target: AppautoscalingTarget;
  public readonly scaleOutPolicy: AppautoscalingPolicy;
  public readonly scaleInPolicy: AppautoscalingPolicy;
  public readonly memoryHighAlarm: CloudwatchMetricAlarm;
  public readonly memoryLowAlarm: CloudwatchMetricAlarm;
  public readonly cpuTargetPolicy: AppautoscalingPolicy | undefined;

  constructor(scope: Construct, id: string, props: ServiceScalingProps) {
    super(scope, id);
    if (props.scaling.memoryLowPercent >= props.scaling.memoryHighPercent) {
      throw new Error(
        `ServiceScaling ${props.serviceName}: memoryLowPercent must be below memoryHighPercent`,
      );
    }
    this.target = new AppautoscalingTarget(this, 'target', {
      serviceNamespace: 'ecs',
      scalableDimension: 'ecs:service:DesiredCount',
      resourceId: `service/${props.clusterName}/${props.serviceName}`,
      minCapacity: props.minTasks,
      maxCapacity: props.maxTasks,
      dependsOn: props.dependsOn,
    });
    this.scaleOutPolicy = this.createScaleOutPolicy(props);
    this.scaleInPolicy = this.createScaleInPolicy(props);
    this.memoryHighAlarm = this.createMemoryAlarm(props, 'high', this.scaleOutPolicy);
    this.memoryLowAlarm = this.createMemoryAlarm(props, 'low', this.scaleInPolicy);
    this.cpuTargetPolicy =
      props.cpuTargetPercent === null ? undefined : this.createCpuPolicy(props, props.cpuTargetPercent);
  }

  /** +1 task just above the threshold, +2 when 20 points or more above it. */
  private createScaleOutPolicy(props: ServiceScalingProps): AppautoscalingPolicy {
    return new AppautoscalingPolicy(this, 'scale-out', {
      name: `${props.serviceName}-memory-scale-out`,
      policyType: 'StepScaling',
      serviceNamespace: this.target.serviceNamespace,
      resourceId: this.target.resourceId,
      scalableDimension: this.target.scalableDimension,
      stepScalingPolicyConfiguration: {
        adjustmentType: 'ChangeInCapacity',
        cooldown: props.scaling.scaleOutCooldownSeconds,
        metricAggregationType: 'Average',
        stepAdjustment: [
          { metricIntervalLowerBound: '0', metricIntervalUpperBound: '20', scalingAdjustment: 1 },
          { metricIntervalLowerBound: '20', scalingAdjustment: 2 },
        ],
      },
    });
  }

  private createScaleInPolicy(props: ServiceScalingProps): AppautoscalingPolicy {
    return new AppautoscalingPolicy(this, 'scale-in', {
      name: `${props.serviceName}-memory-scale-in`,
      policyType: 'StepScaling',
      serviceNamespace: this.target.serviceNamespace,
      resourceId: this.target.resourceId,
      scalableDimension: this.target.scalableDimension,
      stepScalingPolicyConfiguration: {
        adjustmentType: 'ChangeInCapacity',
        cooldown: props.scaling.scaleInCooldownSeconds,
        metricAggregationType: 'Average',
        stepAdjustment: [{ metricIntervalUpperBound: '0', scalingAdjustment: -1 }],
      },
    });
  }

  private createMemoryAlarm(
    props: ServiceScalingProps,
    level: 'high' | 'low',
    policy: AppautoscalingPolicy,
  ): CloudwatchMetricAlarm {
    const high = level === 'high';
    const { scaling } = props;
    return new CloudwatchMetricAlarm(this, `memory-${level}`, {
      alarmName: `${props.serviceName}-memory-${level}`,
      alarmDescription: `${props.serviceName}: average MemoryUtilization ${high ? '>' : '<'} ${high ? scaling.memoryHighPercent : scaling.memoryLowPercent}% -> scale ${high ? 'out' : 'in'}`,
      namespace: 'AWS/ECS',
      metricName: 'MemoryUtilization',
      dimensions: { ClusterName: props.clusterName, ServiceName: props.serviceName },
      statistic: 'Average',
      period: scaling.periodSeconds,
      evaluationPeriods: high ? scaling.highEvaluationPeriods : scaling.lowEvaluationPeriods,
      threshold: high ? scaling.memoryHighPercent : scaling.memoryLowPercent,
      comparisonOperator: high ? 'GreaterThanThreshold' : 'LessThanThreshold',
      // No data (no running task) must not scale in below the floor or out of nothing.
      treatMissingData: 'notBreaching',
      alarmActions: [policy.arn],
    });
  }

  private createCpuPolicy(props: ServiceScalingProps, targetPercent: number): AppautoscalingPolicy {
    return new AppautoscalingPolicy(this, 'cpu-target', {
      name: `${props.serviceName}-cpu-target`,
      policyType: 'TargetTrackingScaling',
      serviceNamespace: this.target.serviceNamespace,
      resourceId: this.target.resourceId,
      scalableDimension: this.target.scalableDimension,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: targetPercent,
        predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        scaleOutCooldown: props.scaling.scaleOutCooldownSeconds,
        scaleInCooldown: props.scaling.scaleInCooldownSeconds,
        // Memory alarms own scale-in; CPU only adds tasks.
        disableScaleIn: true,
      },
    });
  }
}
