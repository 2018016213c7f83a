/**
 * Task autoscaling of one ECS service between min and max tasks, with App Auto Scaling:
 * - scale out: a CloudWatch alarm on the service's MemoryUtilization (step policy), and a CPU
 *   target-tracking policy (`cpuTargetPercent`, on for the APIs) that only adds tasks;
 * - scale in: one step policy behind an "idle" alarm that needs memory below `memoryLowPercent`
 *   AND CPU below `cpuLowPercent` (metric math: max(memory / low, cpu / cpuLow) < 1). Memory alone
 *   stays low on a saturated service (bounded admission), so a memory-only scale-in would undo
 *   every task that CPU tracking adds.
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
  /** Memory and CPU both low: the only trigger of scale-in. */
  public readonly idleAlarm: CloudwatchMetricAlarm;
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
    this.memoryHighAlarm = this.createMemoryHighAlarm(props);
    this.idleAlarm = this.createIdleAlarm(props);
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
      name: `${props.serviceName}-idle-scale-in`,
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

  private createMemoryHighAlarm(props: ServiceScalingProps): CloudwatchMetricAlarm {
    const { scaling } = props;
    return new CloudwatchMetricAlarm(this, 'memory-high', {
      alarmName: `${props.serviceName}-memory-high`,
      alarmDescription: `${props.serviceName}: average MemoryUtilization > ${scaling.memoryHighPercent}% -> scale out`,
      namespace: 'AWS/ECS',
      metricName: 'MemoryUtilization',
      dimensions: this.serviceDimensions(props),
      statistic: 'Average',
      period: scaling.periodSeconds,
      evaluationPeriods: scaling.highEvaluationPeriods,
      threshold: scaling.memoryHighPercent,
      comparisonOperator: 'GreaterThanThreshold',
      // No data (no running task) must not scale out of nothing.
      treatMissingData: 'notBreaching',
      alarmActions: [this.scaleOutPolicy.arn],
    });
  }

  /**
   * max(memory / memoryLow, cpu / cpuLow) < 1: both below their low marks. The scale-in step
   * (upper bound 0) applies to any value under the threshold.
   */
  private createIdleAlarm(props: ServiceScalingProps): CloudwatchMetricAlarm {
    const { scaling } = props;
    const metric = (id: string, metricName: string) => ({
      id,
      returnData: false,
      metric: {
        namespace: 'AWS/ECS',
        metricName,
        dimensions: this.serviceDimensions(props),
        period: scaling.periodSeconds,
        stat: 'Average',
      },
    });
    return new CloudwatchMetricAlarm(this, 'idle', {
      alarmName: `${props.serviceName}-idle`,
      alarmDescription: `${props.serviceName}: average MemoryUtilization < ${scaling.memoryLowPercent}% and CPUUtilization < ${scaling.cpuLowPercent}% -> scale in`,
      comparisonOperator: 'LessThanThreshold',
      threshold: 1,
      evaluationPeriods: scaling.lowEvaluationPeriods,
      // No data (no running task) must not scale in below the floor.
      treatMissingData: 'notBreaching',
      metricQuery: [
        metric('memory', 'MemoryUtilization'),
        metric('cpu', 'CPUUtilization'),
        { id: 'memoryShare', returnData: false, expression: `memory / ${scaling.memoryLowPercent}` },
        { id: 'cpuShare', returnData: false, expression: `cpu / ${scaling.cpuLowPercent}` },
        {
          id: 'busy',
          label: 'max(memory / low mark, CPU / low mark)',
          returnData: true,
          expression: 'MAX([memoryShare, cpuShare])',
        },
      ],
      alarmActions: [this.scaleInPolicy.arn],
    });
  }

  private serviceDimensions(props: ServiceScalingProps) {
    return { ClusterName: props.clusterName, ServiceName: props.serviceName };
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
        // Scale-in is the idle alarm's (memory and CPU both low); CPU tracking only adds tasks.
        disableScaleIn: true,
      },
    });
  }
}
