import { listServices } from '@mlip/catalogue';
import { describe, expect, it } from 'vitest';
import { envPrefix } from '../constructs/ci-build.ts';
import { findResource, type Json, ref, resourcesOf, synthPlatform } from './helpers/synth-platform.ts';

const NAME_PREFIX = 'mlip-dev';
const stack = synthPlatform();

function projectEnv(result = stack): Record<string, string> {
  const [, project] = resourcesOf(result, 'aws_codebuild_project')[0]!;
  const vars = (project.environment as Json).environment_variable as { name: string; value: string }[];
  return Object.fromEntries(vars.map((v) => [v.name, v.value]));
}

describe('CodeBuild project for buildspec.yml', () => {
  it('is privileged and builds buildspec.yml from the configured GitHub branch', () => {
    const [, project] = findResource(stack, 'aws_codebuild_project', 'name', `${NAME_PREFIX}-build`);
    expect(project.environment).toMatchObject({
      privileged_mode: true,
      compute_type: 'BUILD_GENERAL1_MEDIUM',
    });
    expect(project.source).toMatchObject({ type: 'GITHUB', buildspec: 'buildspec.yml' });
    expect(project.source_version).toBe('main');
    expect(resourcesOf(stack, 'aws_codebuild_webhook')).toHaveLength(0);
  });

  it('sets every variable the buildspec reads, per catalogue service', () => {
    const env = projectEnv();
    expect(env).toMatchObject({ NAME_PREFIX, AWS_DEFAULT_REGION: 'us-east-1' });
    expect(env.AWS_ACCOUNT_ID).toMatch(/aws_caller_identity/);
    expect(env.ECS_CLUSTER).toMatch(/aws_ecs_cluster/);
    for (const service of listServices()) {
      const p = envPrefix(service.name);
      const repoKey = findResource(
        stack,
        'aws_ecr_repository',
        'name',
        `${NAME_PREFIX}/${service.imageRepository}`,
      )[0];
      expect(env[`${p}_ECR_URI`]).toBe(ref('aws_ecr_repository', repoKey, 'repository_url'));
      expect(env[`${p}_ECS_SERVICE`]).toMatch(/aws_ecs_service\..+\.name/);
      expect(env[`${p}_TASK_FAMILY`]).toMatch(/aws_ecs_task_definition\..+\.family/);
      expect(env[`${p}_CONTAINER_NAME`]).toBe(service.name);
    }
  });

  it('its role pushes only to these repositories, updates only these services and passes only these roles to ECS tasks', () => {
    const [roleKey] = findResource(stack, 'aws_iam_role', 'name', `${NAME_PREFIX}-build`);
    const [, policy] = resourcesOf(stack, 'aws_iam_role_policy').find(
      ([, p]) => p.role === ref('aws_iam_role', roleKey, 'id'),
    )!;
    const statements = JSON.parse(policy.policy as string).Statement as {
      Sid: string;
      Resource: string[];
      Condition?: Json;
    }[];
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
    expect([...bySid.EcrPushPull!.Resource].sort()).toEqual(
      resourcesOf(stack, 'aws_ecr_repository')
        .map(([k]) => ref('aws_ecr_repository', k, 'arn'))
        .sort(),
    );
    expect([...bySid.RollServices!.Resource].sort()).toEqual(
      resourcesOf(stack, 'aws_ecs_service')
        .map(([k]) => ref('aws_ecs_service', k, 'id'))
        .sort(),
    );
    expect(bySid.PassTaskRoles!.Resource).toHaveLength(listServices().length + 1);
    expect(bySid.PassTaskRoles!.Condition).toEqual({
      StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
    });
    const [logKey] = findResource(
      stack,
      'aws_cloudwatch_log_group',
      'name',
      `/codebuild/${NAME_PREFIX}-build`,
    );
    expect(bySid.OwnLogs!.Resource).toEqual([
      ref('aws_cloudwatch_log_group', logKey, 'arn'),
      `${ref('aws_cloudwatch_log_group', logKey, 'arn')}:*`,
    ]);
  });

  it('when the source is S3, reads only that object; when the webhook is on for GitHub, filters pushes to the branch', () => {
    const s3 = synthPlatform({ ci: { source: { type: 'S3', location: 'my-bucket/src/platform.zip' } } });
    const [, project] = resourcesOf(s3, 'aws_codebuild_project')[0]!;
    expect(project.source).toMatchObject({ type: 'S3', location: 'my-bucket/src/platform.zip' });
    const partition = ref('data.aws_partition', 'partition', 'partition');
    expect(s3.raw).toContain(`arn:${partition}:s3:::my-bucket/src/platform.zip`);

    const hooked = synthPlatform({ ci: { source: { webhook: true, branch: 'release' } } });
    const [, webhook] = resourcesOf(hooked, 'aws_codebuild_webhook')[0]!;
    expect(JSON.stringify(webhook.filter_group)).toContain('^refs/heads/release$');
  });
});
