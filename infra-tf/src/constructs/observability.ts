/**
 * What an operator looks at: one CloudWatch dashboard (ALB traffic, errors, latency percentiles,
 * healthy hosts per target group, CPU/memory and running tasks per service, alarm states) and the
 * platform alarms (5xx rate, unhealthy targets per target group) published to an SNS topic.
 */
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard/index.js';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic/index.js';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription/index.js';
import { Construct } from 'constructs';

export interface ObservedService {
  readonly name: string;
  /** ECS service name. */
  readonly ecsServiceName: string;
  /** Target group `arn_suffix` (CloudWatch dimension). */
  readonly targetGroupArnSuffix: string;
  /** Alarms shown on the dashboard (scaling alarms). */
  readonly alarmArns: string[];
}

export interface ObservabilityProps {
  readonly namePrefix: string;
  readonly region: string;
  readonly clusterName: string;
  /** ALB `arn_suffix` (CloudWatch dimension). */
  readonly loadBalancerArnSuffix: string;
  readonly services: ObservedService[];
  /** @default 5 */
  readonly http5xxRatePercent: number;
  /** @default null */
  readonly alarmEmail: string | null;
}

export class Observability extends Construct {
  public readonly alarmTopic: SnsTopic;
  public readonly http5xxAlarm: CloudwatchMetricAlarm;
  public readonly unhealthyAlarms = new Map<string, CloudwatchMetricAlarm>();
  public readonly dashboard: CloudwatchDashboard;
  public readonly dashboardUrl: string;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.alarmTopic = new SnsTopic(this, 'alarms', { name: `${props.namePrefix}-alarms` });
    if (props.alarmEmail) {
      new SnsTopicSubscription(this, 'alarm-email', {
        topicArn: this.alarmTopic.arn,
        protocol: 'email',
        endpoint: props.alarmEmail,
      });
    }
    this.http5xxAlarm = this.createHttp5xxAlarm(props);
    for (const service of props.services)
      this.unhealthyAlarms.set(service.name, this.createUnhealthyAlarm(props, service));
    const dashboardName = `${props.namePrefix}-platform`;
    this.dashboard = new CloudwatchDashboard(this, 'dashboard', {
      dashboardName,
      dashboardBody: JSON.stringify({ widgets: this.widgets(props) }),
    });
    this.dashboardUrl = `https://${props.region}.console.aws.amazon.com/cloudwatch/home?region=${props.region}#dashboards:name=${dashboardName}`;
  }

  /** (ELB 5xx + target 5xx) / requests, over 3 consecutive minutes; no traffic is not an error. */
  private createHttp5xxAlarm(props: ObservabilityProps): CloudwatchMetricAlarm {
    const lb = { LoadBalancer: props.loadBalancerArnSuffix };
    const metric = (id: string, metricName: string) => ({
      id,
      returnData: false,
      metric: { namespace: 'AWS/ApplicationELB', metricName, dimensions: lb, period: 60, stat: 'Sum' },
    });
    return new CloudwatchMetricAlarm(this, 'http-5xx-rate', {
      alarmName: `${props.namePrefix}-http-5xx-rate`,
      alarmDescription: `5xx responses above ${props.http5xxRatePercent}% of requests for 3 minutes`,
      comparisonOperator: 'GreaterThanThreshold',
      threshold: props.http5xxRatePercent,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: 'notBreaching',
      metricQuery: [
        metric('requests', 'RequestCount'),
        metric('elb5xx', 'HTTPCode_ELB_5XX_Count'),
        metric('target5xx', 'HTTPCode_Target_5XX_Count'),
        {
          id: 'rate',
          label: '5xx rate (%)',
          returnData: true,
          expression: '100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests',
        },
      ],
      alarmActions: [this.alarmTopic.arn],
      okActions: [this.alarmTopic.arn],
    });
  }

  private createUnhealthyAlarm(props: ObservabilityProps, service: ObservedService): CloudwatchMetricAlarm {
    return new CloudwatchMetricAlarm(this, `${service.name}-unhealthy`, {
      alarmName: `${props.namePrefix}-${service.name}-unhealthy-targets`,
      alarmDescription: `${service.name}: unhealthy targets for 3 minutes`,
      namespace: 'AWS/ApplicationELB',
      metricName: 'UnHealthyHostCount',
      dimensions: { LoadBalancer: props.loadBalancerArnSuffix, TargetGroup: service.targetGroupArnSuffix },
      statistic: 'Maximum',
      period: 60,
      evaluationPeriods: 3,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [this.alarmTopic.arn],
      okActions: [this.alarmTopic.arn],
    });
  }

  private widgets(props: ObservabilityProps): object[] {
    const lb = props.loadBalancerArnSuffix;
    const region = props.region;
    const widget = (title: string, metrics: unknown[], extra: object = {}) => ({
      type: 'metric',
      width: 12,
      height: 6,
      properties: { title, region, view: 'timeSeries', stacked: false, period: 60, metrics, ...extra },
    });
    const perService = (metricName: string, stat: string, namespace = 'AWS/ECS') =>
      props.services.map((s) => [
        namespace,
        metricName,
        'ClusterName',
        props.clusterName,
        'ServiceName',
        s.ecsServiceName,
        { stat, label: s.name },
      ]);
    const alarmArns = [
      this.http5xxAlarm.arn,
      ...[...this.unhealthyAlarms.values()].map((a) => a.arn),
      ...props.services.flatMap((s) => s.alarmArns),
    ];
    return [
      widget('ALB requests', [['AWS/ApplicationELB', 'RequestCount', 'LoadBalancer', lb, { stat: 'Sum' }]]),
      widget('ALB 4xx / 5xx', [
        ['AWS/ApplicationELB', 'HTTPCode_ELB_4XX_Count', 'LoadBalancer', lb, { stat: 'Sum' }],
        ['AWS/ApplicationELB', 'HTTPCode_ELB_5XX_Count', 'LoadBalancer', lb, { stat: 'Sum' }],
        ['AWS/ApplicationELB', 'HTTPCode_Target_4XX_Count', 'LoadBalancer', lb, { stat: 'Sum' }],
        ['AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', 'LoadBalancer', lb, { stat: 'Sum' }],
      ]),
      widget(
        'Target response time (s)',
        ['p50', 'p95', 'p99'].map((stat) => [
          'AWS/ApplicationELB',
          'TargetResponseTime',
          'LoadBalancer',
          lb,
          { stat, label: stat },
        ]),
      ),
      widget(
        'Healthy hosts per target group',
        props.services.map((s) => [
          'AWS/ApplicationELB',
          'HealthyHostCount',
          'TargetGroup',
          s.targetGroupArnSuffix,
          'LoadBalancer',
          lb,
          { stat: 'Minimum', label: s.name },
        ]),
      ),
      widget('CPU utilization per service (%)', perService('CPUUtilization', 'Average')),
      widget('Memory utilization per service (%)', perService('MemoryUtilization', 'Average')),
      widget('Running tasks per service', perService('RunningTaskCount', 'Average', 'ECS/ContainerInsights')),
      {
        type: 'alarm',
        width: 12,
        height: 6,
        properties: { title: 'Alarm states', alarms: alarmArns },
      },
    ];
  }
}
