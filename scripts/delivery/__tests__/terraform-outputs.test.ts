import { SERVICE_NAMES } from '@mlip/catalogue';
import { describe, expect, it } from 'vitest';
import {
  CODEBUILD_PROJECT_OUTPUT,
  ecrUrisFromOutputs,
  PLATFORM_URL_OUTPUT,
  pickOutput,
} from '../lib/terraform-outputs.ts';

// The output names infra-tf/src/platform-stack.ts declares.
const OUTPUTS = {
  alarm_topic_arn: 'arn:aws:sns:eu-west-1:123456789012:mlip-dev-alarms',
  codebuild_project_name: 'mlip-dev-build',
  dashboard_url: 'https://console.aws.amazon.com/cloudwatch/home#dashboards:name=mlip-dev',
  depth_api_base_url: 'http://mlip-dev-1.eu-west-1.elb.amazonaws.com/depthapi',
  depth_api_ecr_repository_url: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/mlip-dev/depth-api',
  ecs_cluster_name: 'mlip-dev',
  platform_url: 'http://mlip-dev-1.eu-west-1.elb.amazonaws.com',
  webapp_ecr_repository_url: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/mlip-dev/webapp',
  yolo_api_base_url: 'http://mlip-dev-1.eu-west-1.elb.amazonaws.com/yoloapi',
  yolo_api_ecr_repository_url: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/mlip-dev/yolo-api',
};

describe('reading the stack outputs infra-tf declares', () => {
  it('when outputs are named as in platform-stack.ts, finds the platform URL (not an API base URL) and the build project', () => {
    expect(pickOutput(OUTPUTS, PLATFORM_URL_OUTPUT, 'platform URL')).toBe(OUTPUTS.platform_url);
    expect(pickOutput(OUTPUTS, CODEBUILD_PROJECT_OUTPUT, 'CodeBuild project')).toBe('mlip-dev-build');
  });

  it('when each service has its own ECR output, maps every catalogue service to its repository URL', () => {
    expect(ecrUrisFromOutputs(OUTPUTS, SERVICE_NAMES)).toEqual({
      'yolo-api': OUTPUTS.yolo_api_ecr_repository_url,
      'depth-api': OUTPUTS.depth_api_ecr_repository_url,
      webapp: OUTPUTS.webapp_ecr_repository_url,
    });
  });

  it('when the repositories come as one map output, reads them from it', () => {
    const outputs = {
      ecr_repository_urls: { 'yolo-api': 'a/yolo', 'depth-api': 'a/depth', webapp: 'a/web' },
    };
    expect(ecrUrisFromOutputs(outputs, SERVICE_NAMES)).toEqual({
      'yolo-api': 'a/yolo',
      'depth-api': 'a/depth',
      webapp: 'a/web',
    });
  });

  it('when an output is missing, names the outputs that exist', () => {
    expect(() => pickOutput({ dashboard_url: 'x' }, PLATFORM_URL_OUTPUT, 'platform URL')).toThrow(
      'no platform URL among the stack outputs (dashboard_url)',
    );
  });
});
