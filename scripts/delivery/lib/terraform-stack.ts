/**
 * Synthesize the infra-tf stack for an environment and drive Terraform in its directory:
 * shared by scripts/deploy.ts and scripts/destroy.ts.
 */
import { spawnSync } from 'node:child_process';
import { capture, run, runPnpm } from './exec.ts';
import { findStackDir } from './terraform-outputs.ts';

/** Terraform on PATH, or a clear error naming the version the stack needs. */
export function requireTerraform(): string {
  const res = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8' });
  if (res.status !== 0) {
    throw new Error(
      'terraform is not on PATH: install Terraform >= 1.5 (https://developer.hashicorp.com/terraform/install)',
    );
  }
  return (JSON.parse(res.stdout) as { terraform_version: string }).terraform_version;
}

/** The AWS account the credentials in this shell reach (printed before anything is changed). */
export function callerAccount(region: string | undefined): string {
  try {
    return capture('aws', [
      'sts',
      'get-caller-identity',
      '--query',
      'Account',
      '--output',
      'text',
      ...(region ? ['--region', region] : []),
    ]);
  } catch (err) {
    throw new Error(
      `no usable AWS credentials (aws sts get-caller-identity failed): configure a profile or export AWS_PROFILE\n${(err as Error).message}`,
    );
  }
}

/** `pnpm --filter @mlip/infra-tf synth` with the environment named in PLATFORM_ENV (infra-tf/src/main.ts); returns the stack directory. */
export function synthStack(envName: string, stackDir: string | undefined): string {
  process.stdout.write(`synthesizing the infra-tf stack for environment "${envName}"\n`);
  runPnpm(['--filter', '@mlip/infra-tf', 'run', 'synth'], { env: { ...process.env, PLATFORM_ENV: envName } });
  const dir = findStackDir(envName, stackDir);
  process.stdout.write(`stack directory: ${dir}\n`);
  return dir;
}

export function terraformInit(stackDir: string, backendConfig: string[]): void {
  run('terraform', [
    `-chdir=${stackDir}`,
    'init',
    '-input=false',
    ...backendConfig.map((b) => `-backend-config=${b}`),
  ]);
}

export function terraform(
  stackDir: string,
  command: 'plan' | 'apply' | 'destroy',
  autoApprove: boolean,
): void {
  const approve = command !== 'plan' && autoApprove ? ['-auto-approve'] : [];
  run('terraform', [
    `-chdir=${stackDir}`,
    command,
    ...(command === 'plan' ? ['-input=false'] : []),
    ...approve,
  ]);
}

/** The flags deploy and destroy share (node:util parseArgs options). */
export const STACK_OPTIONS = {
  env: { type: 'string', default: 'dev' },
  'auto-approve': { type: 'boolean', default: false },
  'backend-config': { type: 'string', multiple: true, default: [] as string[] },
  'stack-dir': { type: 'string' },
  'skip-synth': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export interface StackArgs {
  env: string;
  autoApprove: boolean;
  backendConfig: string[];
  stackDir: string | undefined;
  skipSynth: boolean;
  help: boolean;
}

/** The shared flags' values as StackArgs; the environment name must be one infra-tf accepts. */
export function stackArgsOf(values: {
  env?: string;
  'auto-approve'?: boolean;
  'backend-config'?: string[];
  'stack-dir'?: string;
  'skip-synth'?: boolean;
  help?: boolean;
}): StackArgs {
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

/**
 * What deploy and destroy do before their Terraform command: print the Terraform version and the
 * AWS account about to change (`<doing> environment "<env>" <where> AWS account <id>`), synthesize
 * the stack (or find it with --skip-synth) and `terraform init` it. Returns the stack directory.
 */
export function prepareStack(args: StackArgs, doing: 'deploying' | 'destroying'): string {
  process.stdout.write(`terraform ${requireTerraform()}\n`);
  const where = doing === 'deploying' ? 'to' : 'in';
  process.stdout.write(
    `${doing} environment "${args.env}" ${where} AWS account ${callerAccount(process.env.AWS_REGION)}\n`,
  );
  const stackDir = args.skipSynth
    ? findStackDir(args.env, args.stackDir)
    : synthStack(args.env, args.stackDir);
  terraformInit(stackDir, args.backendConfig);
  return stackDir;
}
