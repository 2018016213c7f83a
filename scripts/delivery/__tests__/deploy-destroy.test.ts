/**
 * scripts/deploy.ts and scripts/destroy.ts driving real Terraform on a small stand-in stack
 * (built-in `terraform_data` resource and the outputs infra-tf exposes; no provider download),
 * with `aws sts` answered by moto_server. The infra-tf stack itself is proven by its own tests.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../../lib/run-script.ts';
import { freePort, MOTO_ACCOUNT_ID, type MotoServer, startMotoServer } from './helpers/moto-server.ts';
import { skipWithoutTools } from './helpers/required-tools.ts';

let moto: MotoServer;
let work: string;
let tfEnv: NodeJS.ProcessEnv;

const STACK = `
resource "terraform_data" "platform" {
  input = "mlip-test"
}
output "platform_url" {
  value = "http://mlip-test-alb-123.us-east-1.elb.amazonaws.com"
}
output "codebuild_project_name" {
  value = "mlip-test-build"
}
`;

function writeStack(name: string, body: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'main.tf'), body);
  return dir;
}

function stateList(dir: string): string[] {
  const out = execFileSync('terraform', [`-chdir=${dir}`, 'state', 'list'], { env: tfEnv, encoding: 'utf8' });
  return out.split('\n').filter(Boolean);
}

const skip = skipWithoutTools(['moto_server', 'aws', 'terraform']);

beforeAll(async () => {
  if (skip) return;
  moto = await startMotoServer();
  work = mkdtempSync(join(tmpdir(), 'mlip-deploy-'));
  const cliConfig = join(work, 'terraformrc');
  writeFileSync(cliConfig, '# no provider installation needed: only the built-in provider is used\n');
  tfEnv = {
    ...process.env,
    ...moto.env,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    AWS_MAX_ATTEMPTS: '1',
  };
});

afterAll(async () => {
  await moto?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe.skipIf(skip)('scripts/deploy.ts and scripts/destroy.ts with real Terraform', () => {
  it('when deploying with --auto-approve, applies the stack and prints the URL, the build project and the next steps', async () => {
    const dir = writeStack('ok', STACK);
    const res = await runScript(
      'scripts/deploy.ts',
      ['--env', 'test', '--stack-dir', dir, '--skip-synth', '--auto-approve'],
      tfEnv,
    );
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
    expect(res.stdout).toContain(`deploying environment "test" to AWS account ${MOTO_ACCOUNT_ID}`);
    expect(res.stdout).toContain('platform URL:      http://mlip-test-alb-123.us-east-1.elb.amazonaws.com');
    expect(res.stdout).toContain('CodeBuild project: mlip-test-build');
    expect(res.stdout).toContain('pnpm trigger-build --env test');
    expect(stateList(dir)).toEqual(['terraform_data.platform']);

    const destroyed = await runScript(
      'scripts/destroy.ts',
      ['--env', 'test', '--stack-dir', dir, '--skip-synth', '--auto-approve'],
      tfEnv,
    );
    expect(destroyed.code, `${destroyed.stdout}\n${destroyed.stderr}`).toBe(0);
    expect(destroyed.stdout).toContain('environment "test" destroyed');
    expect(stateList(dir)).toEqual([]);
  });

  it('when the stack has no platform URL output, deploy applies but exits 1 naming the outputs it found', async () => {
    const dir = writeStack('no-url', STACK.replace('output "platform_url"', 'output "something_else"'));
    const res = await runScript(
      'scripts/deploy.ts',
      ['--env', 'test', '--stack-dir', dir, '--skip-synth', '--auto-approve'],
      tfEnv,
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      'deploy: no platform URL among the stack outputs (codebuild_project_name, something_else)',
    );
  });

  it('when AWS is unreachable, deploy stops before Terraform with a credentials message', async () => {
    const dir = writeStack('no-aws', STACK);
    const port = await freePort();
    const res = await runScript(
      'scripts/deploy.ts',
      ['--env', 'test', '--stack-dir', dir, '--skip-synth', '--auto-approve'],
      {
        ...tfEnv,
        AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
      },
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('deploy: no usable AWS credentials');
    expect(() => stateList(dir)).toThrow();
  });

  it('when --env is not a valid environment name, exits 2 with usage', async () => {
    const res = await runScript('scripts/deploy.ts', ['--env', 'Prod!']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('usage: pnpm run deploy');
    const destroyRes = await runScript('scripts/destroy.ts', ['--bogus']);
    expect(destroyRes.code).toBe(2);
    expect(destroyRes.stderr).toContain('usage: pnpm destroy');
  });
});
