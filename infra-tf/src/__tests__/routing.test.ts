import { albPathPatterns, getDefaultService, listApiServices, listServices } from '@mlip/catalogue';
import { Testing } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { CONTAINER_STOP_TIMEOUT_SECONDS, SERVICE_SHUTDOWN_DEADLINE_SECONDS } from '../config/index.ts';
import { findResource, type Json, ref, resourcesOf, synthPlatform } from './helpers/synth-platform.ts';

const NAME_PREFIX = 'mlip-dev';
const stack = synthPlatform();

function targetGroupKey(serviceName: string): string {
  return findResource(stack, 'aws_lb_target_group', 'name', `${NAME_PREFIX}-${serviceName}`)[0];
}

describe('ALB routing from the catalogue', () => {
  it('when synthesized, has exactly one listener rule per prefixed service with the catalogue priority and path patterns', () => {
    const rules = resourcesOf(stack, 'aws_lb_listener_rule');
    expect(rules).toHaveLength(listApiServices().length);
    for (const service of listApiServices()) {
      const [, rule] = rules.find(([, r]) => r.priority === service.albRulePriority)!;
      const condition = (rule.condition as Json[])[0]!;
      expect((condition.path_pattern as Json).values).toEqual(albPathPatterns(service));
      const action = (rule.action as Json[])[0]!;
      expect(action).toMatchObject({
        type: 'forward',
        target_group_arn: ref('aws_lb_target_group', targetGroupKey(service.name), 'arn'),
      });
    }
  });

  it('when no certificate is configured, the HTTP listener forwards by default to the web UI target group', () => {
    const listeners = resourcesOf(stack, 'aws_lb_listener');
    expect(listeners).toHaveLength(1);
    const [, http] = listeners[0]!;
    expect(http).toMatchObject({ port: 80, protocol: 'HTTP' });
    expect((http.default_action as Json[])[0]).toMatchObject({
      type: 'forward',
      target_group_arn: ref('aws_lb_target_group', targetGroupKey(getDefaultService().name), 'arn'),
    });
  });

  it('when a certificate is configured, HTTP redirects to HTTPS and the rules sit on the HTTPS listener', () => {
    const certificateArn = 'arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234';
    const tls = synthPlatform({ loadBalancer: { certificateArn } });
    const listeners = resourcesOf(tls, 'aws_lb_listener');
    const [httpsKey, https] = listeners.find(([, l]) => l.port === 443)!;
    const [, http] = listeners.find(([, l]) => l.port === 80)!;
    expect(https).toMatchObject({ protocol: 'HTTPS', certificate_arn: certificateArn });
    expect((http.default_action as Json[])[0]).toMatchObject({
      type: 'redirect',
      redirect: { protocol: 'HTTPS', port: '443' },
    });
    for (const [, rule] of resourcesOf(tls, 'aws_lb_listener_rule')) {
      expect(rule.listener_arn).toBe(ref('aws_lb_listener', httpsKey, 'arn'));
    }
  });
});

describe('target groups, task definitions and services agree with the catalogue', () => {
  it.each(
    listServices().map((s) => [s.name, s] as const),
  )('%s: target group port and health check come from the catalogue', (_, service) => {
    expect(
      Testing.toHaveResourceWithProperties(stack.raw, 'aws_lb_target_group', {
        name: `${NAME_PREFIX}-${service.name}`,
        port: service.port,
        target_type: 'ip',
        deregistration_delay: '30',
        health_check: { path: service.healthPath, matcher: '200' },
      }),
    ).toBe(true);
  });

  it.each(
    listServices().map((s) => [s.name, s] as const),
  )('%s: container port, health check and stop timeout fit the service', (_, service) => {
    const [, taskDefinition] = findResource(
      stack,
      'aws_ecs_task_definition',
      'family',
      `${NAME_PREFIX}-${service.name}`,
    );
    expect(taskDefinition).toMatchObject({ network_mode: 'awsvpc', requires_compatibilities: ['EC2'] });
    const [container] = JSON.parse(taskDefinition.container_definitions as string) as Json[];
    expect(container!.portMappings).toEqual([{ containerPort: service.port, protocol: 'tcp' }]);
    expect((container!.healthCheck as { command: string[] }).command.join(' ')).toContain(
      `:${service.port}${service.healthPath}`,
    );
    expect(container!.stopTimeout).toBe(CONTAINER_STOP_TIMEOUT_SECONDS);
    expect(CONTAINER_STOP_TIMEOUT_SECONDS).toBeGreaterThan(SERVICE_SHUTDOWN_DEADLINE_SECONDS);
    expect(container!.environment).toContainEqual({ name: 'PORT', value: String(service.port) });
    expect(container!.environment).toContainEqual({ name: 'SHUTDOWN_DEADLINE_MS', value: '25000' });
    expect((container!.logConfiguration as Json).logDriver).toBe('awslogs');
  });

  it.each(
    listServices().map((s) => [s.name, s] as const),
  )('%s: ECS service registers the container port in its own target group, with rollback', (_, service) => {
    const [, ecsService] = findResource(stack, 'aws_ecs_service', 'name', `${NAME_PREFIX}-${service.name}`);
    expect(ecsService.load_balancer).toEqual([
      {
        container_name: service.name,
        container_port: service.port,
        target_group_arn: ref('aws_lb_target_group', targetGroupKey(service.name), 'arn'),
      },
    ]);
    expect(ecsService.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
    expect(ecsService.lifecycle).toEqual({ ignore_changes: ['desired_count'] });
    expect(ecsService.capacity_provider_strategy).toHaveLength(1);
    expect(ecsService.health_check_grace_period_seconds).toBeGreaterThanOrEqual(30);
  });

  it('each catalogue service gets one ECR repository with scan on push and a keep-last-N lifecycle policy', () => {
    for (const service of listServices()) {
      expect(
        Testing.toHaveResourceWithProperties(stack.raw, 'aws_ecr_repository', {
          name: `${NAME_PREFIX}/${service.imageRepository}`,
          image_scanning_configuration: { scan_on_push: true },
        }),
      ).toBe(true);
    }
    const policies = resourcesOf(stack, 'aws_ecr_lifecycle_policy').map(([, p]) =>
      JSON.parse(p.policy as string),
    );
    expect(policies).toHaveLength(listServices().length);
    for (const policy of policies)
      expect(policy.rules[0].selection).toMatchObject({ countType: 'imageCountMoreThan', countNumber: 10 });
  });

  it('outputs the platform URL, each API base URL from the catalogue prefix, ECR URLs, CodeBuild project and dashboard', () => {
    const outputs = stack.json.output;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'platform_url',
        'yolo_api_base_url',
        'depth_api_base_url',
        'codebuild_project_name',
        'dashboard_url',
        'webapp_ecr_repository_url',
      ]),
    );
    for (const service of listApiServices()) {
      expect(outputs[`${service.name.replace(/-/g, '_')}_base_url`]!.value).toMatch(
        new RegExp(`^http://\\$\\{.+\\}${service.pathPrefix}$`),
      );
    }
  });
});
