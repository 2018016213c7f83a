/**
 * The role the ECS agent uses to start tasks: pull these images, write these log groups. Nothing else.
 */
import { IamRole } from '@cdktf/provider-aws/lib/iam-role/index.js';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { Construct } from 'constructs';
import { assumeRolePolicy, policyDocument } from './iam-documents.ts';

export interface TaskExecutionRoleProps {
  readonly namePrefix: string;
}

export class TaskExecutionRole extends Construct {
  public readonly role: IamRole;

  constructor(scope: Construct, id: string, props: TaskExecutionRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, 'role', {
      name: `${props.namePrefix}-task-execution`,
      assumeRolePolicy: assumeRolePolicy('ecs-tasks.amazonaws.com'),
    });
  }

  /** Called once all services exist: their repositories and log groups are the only resources. */
  public grant(repositoryArns: string[], logGroupArns: string[]): IamRolePolicy {
    return new IamRolePolicy(this, 'policy', {
      name: 'pull-images-write-logs',
      role: this.role.id,
      policy: policyDocument([
        // GetAuthorizationToken has no resource-level permissions: AWS requires "*".
        { Sid: 'EcrLogin', Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
        {
          Sid: 'PullImages',
          Effect: 'Allow',
          Action: ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
          Resource: repositoryArns,
        },
        {
          Sid: 'WriteLogs',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: logGroupArns.map((arn) => `${arn}:*`),
        },
      ]),
    });
  }
}
