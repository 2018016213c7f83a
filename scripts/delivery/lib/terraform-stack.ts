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
