/**
 * The CodeBuild project that runs `buildspec.yml` (privileged: it builds Docker images), with the
 * environment the buildspec reads (scripts/delivery/lib/delivery-config.ts) and a role that can do
 * only what a build does: push these images, write its logs and reports, roll these services.
 */
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
import { CodebuildProject } from '@cdktf/provider-aws/lib/codebuild-project/index.js';
import { CodebuildWebhook } from '@cdktf/provider-aws/lib/codebuild-webhook/index.js';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { Construct } from 'constructs';
import type { CiSourceConfig } from '../config/index.ts';
import { assumeRolePolicy, policyDocument, type Statement } from './iam-documents.ts';

export interface BuiltService {
  /** Catalogue name, e.g. `yolo-api` -> variables `YOLO_API_*`. */
  readonly name: string;
  readonly repositoryArn: string;
  readonly repositoryUrl: string;
  readonly ecsServiceArn: string;
  readonly ecsServiceName: string;
  readonly taskFamily: string;
}

export interface CiBuildProps {
  readonly namePrefix: string;
  readonly region: string;
  readonly accountId: string;
  readonly partition: string;
  readonly clusterName: string;
  readonly services: BuiltService[];
  /** Roles the new task-definition revisions carry (task roles and the execution role). */
  readonly passRoleArns: string[];
  readonly source: CiSourceConfig;
  /** @default 'BUILD_GENERAL1_MEDIUM' */
  readonly computeType: string;
  /** @default 'aws/codebuild/amazonlinux2-x86_64-standard:5.0' */
  readonly image: string;
  /** @default 60 */
  readonly timeoutMinutes: number;
  readonly logRetentionDays: number;
  /** @default null */
  readonly dockerHubSecretId: string | null;
}

/** `yolo-api` -> `YOLO_API`, the prefix of the buildspec's per-service variables. */
export function envPrefix(serviceName: string): string {
  return serviceName.toUpperCase().replace(/-/g, '_');
}

export class CiBuild extends Construct {
  public readonly role: IamRole;
  public readonly logGroup: CloudwatchLogGroup;
  public readonly project: CodebuildProject;
  public readonly webhook: CodebuildWebhook | undefined;
  public readonly projectName: string;

  constructor(scope: Construct, id: string, props: CiBuildProps) {
    super(scope, id);
    if (props.source.webhook && props.source.type !== 'GITHUB') {
      throw new Error(
        `CiBuild ${id}: webhook is only supported for GITHUB sources, got ${props.source.type}`,
      );
    }
    this.projectName = `${props.namePrefix}-build`;
    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: `/codebuild/${this.projectName}`,
      retentionInDays: props.logRetentionDays,
    });
    this.role = new IamRole(this, 'role', {
      name: `${this.projectName}`,
      assumeRolePolicy: assumeRolePolicy('codebuild.amazonaws.com'),
    });
    new IamRolePolicy(this, 'policy', {
      name: 'build',
      role: this.role.id,
      policy: policyDocument(this.statements(props)),
    });
    this.project = this.createProject(props);
    this.webhook = props.source.webhook ? this.createWebhook(props) : undefined;
  }

  private statements(props: CiBuildProps): Statement[] {
    const arn = (service: string, resource: string) =>
      `arn:${props.partition}:${service}:${props.region}:${props.accountId}:${resource}`;
    const statements: Statement[] = [
      // GetAuthorizationToken has no resource-level permissions: AWS requires "*".
      { Sid: 'EcrLogin', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
      {
        Sid: 'EcrPushPull',
        Effect: 'Allow',
        Action: [
          'ecr:BatchCheckLayerAvailability',
          'ecr:BatchGetImage',
          'ecr:GetDownloadUrlForLayer',
          'ecr:InitiateLayerUpload',
          'ecr:UploadLayerPart',
          'ecr:CompleteLayerUpload',
          'ecr:PutImage',
        ],
        Resource: props.services.map((s) => s.repositoryArn),
      },
      {
        Sid: 'OwnLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [this.logGroup.arn, `${this.logGroup.arn}:*`],
      },
      {
        Sid: 'TestReports',
        Effect: 'Allow',
        Action: [
          'codebuild:CreateReportGroup',
          'codebuild:CreateReport',
          'codebuild:UpdateReport',
          'codebuild:BatchPutTestCases',
        ],
        Resource: [arn('codebuild', `report-group/${this.projectName}-*`)],
      },
      {
        Sid: 'RollServices',
        Effect: 'Allow',
        Action: ['ecs:DescribeServices', 'ecs:UpdateService'],
        Resource: props.services.map((s) => s.ecsServiceArn),
      },
      // Task-definition actions have no resource-level permissions for new revisions: AWS requires "*".
      {
        Sid: 'TaskDefinitions',
        Effect: 'Allow',
        Action: ['ecs:RegisterTaskDefinition', 'ecs:DescribeTaskDefinition'],
        Resource: '*',
      },
      {
        Sid: 'PassTaskRoles',
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: props.passRoleArns,
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
    ];
    if (props.source.type === 'S3') {
      const [bucket] = props.source.location.split('/');
      statements.push({
        Sid: 'SourceBundle',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: [`arn:${props.partition}:s3:::${props.source.location}`],
      });
      statements.push({
        Sid: 'SourceBucket',
        Effect: 'Allow',
        Action: ['s3:GetBucketLocation'],
        Resource: [`arn:${props.partition}:s3:::${bucket}`],
      });
    }
    if (props.source.type === 'CODECOMMIT') {
      const repo = props.source.location.split('/').pop()!;
      statements.push({
        Sid: 'SourceRepo',
        Effect: 'Allow',
        Action: ['codecommit:GitPull'],
        Resource: [arn('codecommit', repo)],
      });
    }
    if (props.dockerHubSecretId) {
      statements.push({
        Sid: 'DockerHubSecret',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: [arn('secretsmanager', `secret:${props.dockerHubSecretId}*`)],
      });
    }
    return statements;
  }

  private environmentVariables(props: CiBuildProps): { name: string; value: string; type: string }[] {
    const plain = (name: string, value: string) => ({ name, value, type: 'PLAINTEXT' });
    return [
      plain('AWS_ACCOUNT_ID', props.accountId),
      plain('AWS_DEFAULT_REGION', props.region),
      plain('NAME_PREFIX', props.namePrefix),
      plain('ECS_CLUSTER', props.clusterName),
      ...props.services.flatMap((s) => [
        plain(`${envPrefix(s.name)}_ECR_URI`, s.repositoryUrl),
        plain(`${envPrefix(s.name)}_ECS_SERVICE`, s.ecsServiceName),
        plain(`${envPrefix(s.name)}_TASK_FAMILY`, s.taskFamily),
        plain(`${envPrefix(s.name)}_CONTAINER_NAME`, s.name),
      ]),
      ...(props.dockerHubSecretId ? [plain('DOCKERHUB_SECRET_ID', props.dockerHubSecretId)] : []),
    ];
  }

  private createProject(props: CiBuildProps): CodebuildProject {
    const { source } = props;
    return new CodebuildProject(this, 'project', {
      name: this.projectName,
      description:
        'Tests, builds and pushes the platform images, then rolls the ECS services (buildspec.yml)',
      serviceRole: this.role.arn,
      buildTimeout: props.timeoutMinutes,
      source: {
        type: source.type,
        location: source.location,
        buildspec: 'buildspec.yml',
        ...(source.type === 'S3' ? {} : { gitCloneDepth: 1 }),
      },
      ...(source.type === 'S3' ? {} : { sourceVersion: source.branch }),
      artifacts: { type: 'NO_ARTIFACTS' },
      environment: {
        type: 'LINUX_CONTAINER',
        computeType: props.computeType,
        image: props.image,
        imagePullCredentialsType: 'CODEBUILD',
        // Docker builds need the daemon inside the build container.
        privilegedMode: true,
        environmentVariable: this.environmentVariables(props),
      },
      logsConfig: { cloudwatchLogs: { groupName: this.logGroup.name, status: 'ENABLED' } },
      cache: { type: 'LOCAL', modes: ['LOCAL_DOCKER_LAYER_CACHE', 'LOCAL_SOURCE_CACHE'] },
    });
  }

  private createWebhook(props: CiBuildProps): CodebuildWebhook {
    return new CodebuildWebhook(this, 'webhook', {
      projectName: this.project.name,
      buildType: 'BUILD',
      filterGroup: [
        {
          filter: [
            { type: 'EVENT', pattern: 'PUSH' },
            { type: 'HEAD_REF', pattern: `^refs/heads/${props.source.branch}$` },
          ],
        },
      ],
    });
  }
}
