import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writePlatformStack } from './helpers/synth-platform.ts';
import { expectOk, terraformAsync, terraformEnv } from './helpers/terraform-cli.ts';

const TFTEST = join(dirname(fileURLToPath(import.meta.url)), 'terraform', 'platform.tftest.hcl');
const workDir = mkdtempSync(join(tmpdir(), 'infra-tf-mock-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('terraform test with mock_provider "aws"', () => {
  it('applies the whole dev stack, asserts its outputs, then destroys it', async () => {
    const env = terraformEnv(workDir);
    const stackDir = writePlatformStack(join(workDir, 'out'));
    copyFileSync(TFTEST, join(stackDir, 'platform.tftest.hcl'));
    expectOk(
      await terraformAsync(stackDir, ['init', '-backend=false', '-input=false'], env),
      'terraform init',
    );
    const result = expectOk(await terraformAsync(stackDir, ['test', '-verbose'], env), 'terraform test');
    expect(result.stdout).toMatch(/run "apply_whole_stack"\.\.\. pass/);
    expect(result.stdout).toMatch(/Success! 1 passed, 0 failed\./);
    // -verbose prints the applied state: every resource type of the stack was "created".
    for (const type of [
      'aws_ecs_service',
      'aws_lb_listener_rule',
      'aws_appautoscaling_policy',
      'aws_codebuild_project',
      'aws_cloudwatch_dashboard',
    ]) {
      expect(result.stdout).toContain(`# ${type}.`);
    }
  });
});
