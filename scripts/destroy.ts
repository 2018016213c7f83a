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
import { findStackDir } from './delivery/lib/terraform-outputs.ts';
import {
  callerAccount,
  requireTerraform,
  synthStack,
  terraform,
  terraformInit,
} from './delivery/lib/terraform-stack.ts';

export interface DestroyArgs {
  env: string;
  autoApprove: boolean;
  backendConfig: string[];
  stackDir: string | undefined;
  skipSynth: boolean;
  help: boolean;
}

const USAGE =
  'usage: pnpm destroy [--env <env>] [--auto-approve] [--backend-config <k=v>]... [--stack-dir <dir>] [--skip-synth]';

export function parseDestroyArgs(argv: string[]): DestroyArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      env: { type: 'string', default: 'dev' },
      'auto-approve': { type: 'boolean', default: false },
      'backend-config': { type: 'string', multiple: true, default: [] },
      'stack-dir': { type: 'string' },
      'skip-synth': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  const env = values.env ?? 'dev';
  if (!/^[a-z][a-z0-9-]{0,19}$/.test(env)) {
    throw new Error(`--env must be lower-case letters, digits and dashes (max 20), got "${env}"`);
  }
  return {
    env,
    autoApprove: values['auto-approve'] ?? false,
    backendConfig: values['backend-config'] ?? [],
    stackDir: values['stack-dir'],
    skipSynth: values['skip-synth'] ?? false,
    help: values.help ?? false,
  };
}

const cli = {
  usage: USAGE,
  parse: parseDestroyArgs,
  run: (args: DestroyArgs) => {
    process.stdout.write(`terraform ${requireTerraform()}\n`);
    process.stdout.write(
      `destroying environment "${args.env}" in AWS account ${callerAccount(process.env.AWS_REGION)}\n`,
    );
    const stackDir = args.skipSynth
      ? findStackDir(args.env, args.stackDir)
      : synthStack(args.env, args.stackDir);
    terraformInit(stackDir, args.backendConfig);
    terraform(stackDir, 'destroy', args.autoApprove);
    process.stdout.write(`environment "${args.env}" destroyed\n`);
    return 0;
  },
  failPrefix: 'destroy: ',
};

if (process.argv[1]?.endsWith('destroy.ts')) process.exit(await runCli(cli, process.argv.slice(2)));
