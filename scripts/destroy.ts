/**
 * Removes an environment of the platform: synthesizes its infra-tf stack (so Terraform knows
 * every resource), then `terraform destroy` in the stack directory.
 *
 * Usage:
 *   pnpm destroy [--env <env>] [--auto-approve] [--backend-config <k=v>]... [--stack-dir <dir>] [--skip-synth]
 *
 * Examples:
 *   pnpm destroy --env dev                 # review what goes, type yes
 *   pnpm destroy --env dev --auto-approve
 *
 * ECR repositories still holding images are deleted only if infra-tf sets `force_delete` on them;
 * otherwise delete the images first (aws ecr batch-delete-image) and run destroy again.
 *
 * Exit codes: 0 destroyed, 1 a step failed, 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { runCli } from './delivery/lib/run-cli.ts';
import {
  prepareStack,
  STACK_OPTIONS,
  type StackArgs,
  stackArgsOf,
  terraform,
} from './delivery/lib/terraform-stack.ts';

export type DestroyArgs = StackArgs;

const USAGE =
  'usage: pnpm destroy [--env <env>] [--auto-approve] [--backend-config <k=v>]... [--stack-dir <dir>] [--skip-synth]';

export function parseDestroyArgs(argv: string[]): DestroyArgs {
  const { values } = parseArgs({ args: argv, options: STACK_OPTIONS, allowPositionals: false });
  return stackArgsOf(values);
}

const cli = {
  usage: USAGE,
  parse: parseDestroyArgs,
  run: (args: DestroyArgs) => {
    const stackDir = prepareStack(args, 'destroying');
    terraform(stackDir, 'destroy', args.autoApprove);
    process.stdout.write(`environment "${args.env}" destroyed\n`);
    return 0;
  },
  failPrefix: 'destroy: ',
};

if (process.argv[1]?.endsWith('destroy.ts')) process.exit(await runCli(cli, process.argv.slice(2)));
