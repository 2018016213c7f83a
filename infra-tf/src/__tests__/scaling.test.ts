import { listServices } from '@mlip/catalogue';
import { describe, expect, it } from 'vitest';
import { findResource, type Json, ref, resourcesOf, synthPlatform } from './helpers/synth-platform.ts';

const NAME_PREFIX = 'mlip-dev';
const stack = synthPlatform();

describe('task scaling: memory and CPU scale out, scale-in only when memory and CPU are both low', () => {
  it.each(
    listServices().map((s) => [s.name] as const),
  )('%s: the memory-high alarm triggers the scale-out policy, the idle alarm the scale-in policy', (name) => {
    const serviceName = `${NAME_PREFIX}-${name}`;
    const [targetKey, target] = findResource(
      stack,
      'aws_appautoscaling_target',
      'resource_id',
      `service/${NAME_PREFIX}/${serviceName}`,
    );
    expect(target).toMatchObject({ min_capacity: 1, scalable_dimension: 'ecs:service:DesiredCount' });
    const policy = (policyName: string) => {
      const [key, p] = findResource(stack, 'aws_appautoscaling_policy', 'name', policyName);
      expect(p.resource_id).toBe(ref('aws_appautoscaling_target', targetKey, 'resource_id'));
      return ref('aws_appautoscaling_policy', key, 'arn');
    };
    const dimensions = { ClusterName: NAME_PREFIX, ServiceName: serviceName };
    const [, high] = findResource(
      stack,
      'aws_cloudwatch_metric_alarm',
      'alarm_name',
      `${serviceName}-memory-high`,
    );
    expect(high).toMatchObject({
      namespace: 'AWS/ECS',
      metric_name: 'MemoryUtilization',
      dimensions,
      comparison_operator: 'GreaterThanThreshold',
      alarm_actions: [policy(`${serviceName}-memory-scale-out`)],
    });
    const [, idle] = findResource(stack, 'aws_cloudwatch_metric_alarm', 'alarm_name', `${serviceName}-idle`);
    expect(idle).toMatchObject({
      comparison_operator: 'LessThanThreshold',
      threshold: 1,
      alarm_actions: [policy(`${serviceName}-idle-scale-in`)],
    });
    const queries = idle.metric_query as Json[];
    const metricOf = (id: string) => queries.find((q) => q.id === id)!.metric as Json;
    expect(metricOf('memory')).toMatchObject({
      namespace: 'AWS/ECS',
      metric_name: 'MemoryUtilization',
      dimensions,
    });
    expect(metricOf('cpu')).toMatchObject({
      namespace: 'AWS/ECS',
      metric_name: 'CPUUtilization',
      dimensions,
    });
  });

  it('the idle alarm is max(memory / 30, CPU / 20) < 1 over 10 one-minute periods; scale-out after 2 periods above 70% memory', () => {
    const [, high] = findResource(
      stack,
      'aws_cloudwatch_metric_alarm',
      'alarm_name',
      `${NAME_PREFIX}-yolo-api-memory-high`,
    );
    expect(high).toMatchObject({ threshold: 70, period: 60, evaluation_periods: 2 });
    const [, idle] = findResource(
      stack,
      'aws_cloudwatch_metric_alarm',
      'alarm_name',
      `${NAME_PREFIX}-yolo-api-idle`,
    );
    expect(idle).toMatchObject({ evaluation_periods: 10, treat_missing_data: 'notBreaching' });
    const queries = idle.metric_query as Json[];
    const expressions = Object.fromEntries(
      queries.filter((q) => q.expression).map((q) => [q.id, q.expression]),
    );
    expect(expressions).toEqual({
      memoryShare: 'memory / 30',
      cpuShare: 'cpu / 20',
      busy: 'MAX([memoryShare, cpuShare])',
    });
    expect(queries.filter((q) => q.return_data === true).map((q) => q.id)).toEqual(['busy']);
    for (const q of queries.filter((q) => q.metric))
      expect(q.metric).toMatchObject({ period: 60, stat: 'Average' });
    const [, out] = findResource(
      stack,
      'aws_appautoscaling_policy',
      'name',
      `${NAME_PREFIX}-yolo-api-memory-scale-out`,
    );
    const steps = (out.step_scaling_policy_configuration as Json).step_adjustment as Json[];
    expect(steps.map((s) => s.scaling_adjustment)).toEqual([1, 2]);
    const [, scaleIn] = findResource(
      stack,
      'aws_appautoscaling_policy',
      'name',
      `${NAME_PREFIX}-yolo-api-idle-scale-in`,
    );
    expect((scaleIn.step_scaling_policy_configuration as Json).step_adjustment).toEqual([
      { metric_interval_upper_bound: '0', scaling_adjustment: -1 },
    ]);
  });

  it('the APIs have a CPU target-tracking policy (60%) that only scales out; the web UI has none', () => {
    for (const name of ['yolo-api', 'depth-api']) {
      const [, policy] = findResource(
        stack,
        'aws_appautoscaling_policy',
        'name',
        `${NAME_PREFIX}-${name}-cpu-target`,
      );
      expect(policy.target_tracking_scaling_policy_configuration).toMatchObject({
        target_value: 60,
        disable_scale_in: true,
        predefined_metric_specification: { predefined_metric_type: 'ECSServiceAverageCPUUtilization' },
      });
    }
    expect(
      resourcesOf(stack, 'aws_appautoscaling_policy')
        .filter(([, p]) => p.policy_type === 'TargetTrackingScaling')
        .map(([, p]) => p.name),
    ).toHaveLength(2);
    const withoutCpu = synthPlatform({ services: { 'yolo-api': { cpuTargetPercent: null } } });
    expect(
      resourcesOf(withoutCpu, 'aws_appautoscaling_policy').filter(
        ([, p]) => p.name === `${NAME_PREFIX}-yolo-api-cpu-target`,
      ),
    ).toEqual([]);
  });

  it('the capacity provider uses managed scaling and termination protection over an ECS-managed ASG', () => {
    const [, provider] = resourcesOf(stack, 'aws_ecs_capacity_provider')[0]!;
    expect(provider.auto_scaling_group_provider).toMatchObject({
      managed_termination_protection: 'ENABLED',
      managed_scaling: { status: 'ENABLED', target_capacity: 100 },
    });
    const [, asg] = resourcesOf(stack, 'aws_autoscaling_group')[0]!;
    expect(asg.protect_from_scale_in).toBe(true);
    // Protected instances never terminate by themselves: destroy must force-delete the group.
    expect(asg.force_delete).toBe(true);
    expect(asg.lifecycle).toEqual({ ignore_changes: ['desired_capacity'] });
    expect(asg.tag).toContainEqual({ key: 'AmazonECSManaged', value: 'true', propagate_at_launch: true });
  });
});

describe('observability', () => {
  it('has a 5xx-rate alarm and one unhealthy-targets alarm per target group, all notifying the alarm topic', () => {
    const [topicKey] = resourcesOf(stack, 'aws_sns_topic')[0]!;
    const topic = ref('aws_sns_topic', topicKey, 'arn');
    const [, rate] = findResource(
      stack,
      'aws_cloudwatch_metric_alarm',
      'alarm_name',
      `${NAME_PREFIX}-http-5xx-rate`,
    );
    expect(rate.alarm_actions).toEqual([topic]);
    const expression = (rate.metric_query as Json[]).find((q) => q.return_data === true)!;
    expect(expression.expression).toContain('/ requests');
    for (const service of listServices()) {
      const [, alarm] = findResource(
        stack,
        'aws_cloudwatch_metric_alarm',
        'alarm_name',
        `${NAME_PREFIX}-${service.name}-unhealthy-targets`,
      );
      const tgKey = findResource(stack, 'aws_lb_target_group', 'name', `${NAME_PREFIX}-${service.name}`)[0];
      expect(alarm).toMatchObject({ metric_name: 'UnHealthyHostCount', alarm_actions: [topic] });
      expect((alarm.dimensions as Json).TargetGroup).toBe(ref('aws_lb_target_group', tgKey, 'arn_suffix'));
    }
  });

  it('the dashboard shows requests, errors, latency percentiles, healthy hosts, CPU/memory, tasks and alarm states', () => {
    const [, dashboard] = resourcesOf(stack, 'aws_cloudwatch_dashboard')[0]!;
    const body = JSON.parse(dashboard.dashboard_body as string) as {
      widgets: { type: string; properties: Json }[];
    };
    const titles = body.widgets.map((w) => w.properties.title);
    expect(titles).toEqual([
      'ALB requests',
      'ALB 4xx / 5xx',
      'Target response time (s)',
      'Healthy hosts per target group',
      'CPU utilization per service (%)',
      'Memory utilization per service (%)',
      'Running tasks per service',
      'Alarm states',
    ]);
    const latency = body.widgets[2]!.properties.metrics as [string, string, string, string, Json][];
    expect(latency.map((m) => m[4].stat)).toEqual(['p50', 'p95', 'p99']);
    expect((body.widgets[7]!.properties.alarms as string[]).length).toBe(1 + 3 * listServices().length);
  });
});
