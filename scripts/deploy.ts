/**
 * Deploys the platform to the AWS account of the current credentials: synthesizes the infra-tf
 * stack for an environment, then `terraform init` and `terraform apply` in its directory, and
 * prints the platform URL and the next steps (first image build, smoke test).
 *
 * Usage:
 *   pnpm run deploy [--env <env>] [--auto-approve] [--plan] [--backend-config <k=v>]... [--stack-dir <dir>] [--skip-synth]
 *
 *   --env             environment to deploy (default: dev); infra-tf reads it as PLATFORM_ENV
 *   --auto-approve    apply without Terraform's interactive confirmation
 *   --plan            only show the plan
 *   --backend-config  passed to `terraform init` (remote state in S3: bucket=..., key=..., region=...)
 *   --skip-synth      use the stack already synthesized in infra-tf/cdktf.out (or --stack-dir)
 *   --stack-dir       use this synthesized stack directory instead of finding it by environment
 *
 * `pnpm run deploy`, not `pnpm deploy`: `deploy` is also a built-in pnpm command (it copies a
 * workspace package), and pnpm's built-in wins over the script of the same name.
 *
 * Examples:
 *   pnpm run deploy --env dev                  # review the plan, type yes
 *   pnpm run deploy --env prod --auto-approve
 *   pnpm run deploy --env dev --plan
 *
 * Exit codes: 0 deployed (or planned), 1 a step failed, 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { runCli } from './delivery/lib/run-cli.ts';
import {
  CODEBUILD_PROJECT_OUTPUT,
  PLATFORM_URL_OUTPUT,
  pickOutput,
  readOutputs,
} from './delivery/lib/terraform-outputs.ts';
import {
  prepareStack,
  STACK_OPTIONS,
  type StackArgs,
  stackArgsOf,
  terraform,
} from './delivery/lib/terraform-stack.ts';

export interface DeployArgs extends StackArgs {
  plan: boolean;
}

const USAGE =
  'usage: pnpm run deploy [--env <env>] [--auto-approve] [--plan] [--backend-config <k=v>]... [--stack-dir <dir>] [--skip-synth]';

export function parseDeployArgs(argv: string[]): DeployArgs {
  const { values } = parseArgs({
    args: argv,
    options: { ...STACK_OPTIONS, plan: { type: 'boolean', default: false } },
    allowPositionals: false,
  });
  return { ...stackArgsOf(values), plan: values.plan ?? false };
}

export function deploy(args: DeployArgs): void {
  const stackDir = prepareStack(args, 'deploying');
  if (args.plan) {
    terraform(stackDir, 'plan', false);
    return;
  }
  terraform(stackDir, 'apply', args.autoApprove);
  const outputs = readOutputs(stackDir);
  const url = pickOutput(outputs, PLATFORM_URL_OUTPUT, 'platform URL');
  const project = pickOutput(outputs, CODEBUILD_PROJECT_OUTPUT, 'CodeBuild project name');
  process.stdout.write(
    [
      '',
      `platform URL:      ${url}`,
      `CodeBuild project: ${project}`,
      '',
      'next steps:',
      `  pnpm trigger-build --env ${args.env}        # build and push the images, roll the services`,
      `  pnpm smoke --env ${args.env} --wait 600     # check the platform through the load balancer`,
      '',
    ].join('\n'),
  );
}

const cli = {
  usage: USAGE,
  parse: parseDeployArgs,
  run: (args: DeployArgs) => {
    deploy(args);
    return 0;
  },
  failPrefix: 'deploy: ',
};

if (process.argv[1]?.endsWith('deploy.ts')) process.exit(await runCli(cli, process.argv.slice(2)));
