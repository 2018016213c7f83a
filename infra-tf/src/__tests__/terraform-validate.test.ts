import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writePlatformStack } from './helpers/synth-platform.ts';
import { expectOk, terraformAsync, terraformEnv } from './helpers/terraform-cli.ts';

const workDir = mkdtempSync(join(tmpdir(), 'infra-tf-validate-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('terraform validate', () => {
  it.each([
    ['dev (public instance subnets, HTTP)', 'dev', {}],
    [
      'prod (private subnets + NAT, HTTPS, CPU tracking, S3 source)',
      'prod',
      {
        loadBalancer: { certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234' },
        ci: { source: { type: 'S3' as const, location: 'my-bucket/platform.zip' } },
      },
    ],
  ])('when %s is synthesized, terraform init (provider from the local mirror) and validate succeed', async (_, environment, overrides) => {
    const env = terraformEnv(workDir);
    const stackDir = writePlatformStack(join(workDir, environment), { environment, ...overrides });
    expectOk(
      await terraformAsync(stackDir, ['init', '-backend=false', '-input=false'], env),
      'terraform init',
    );
    const result = expectOk(await terraformAsync(stackDir, ['validate', '-json'], env), 'terraform validate');
    const report = JSON.parse(result.stdout) as {
      valid: boolean;
      error_count: number;
      diagnostics: unknown[];
    };
    expect(report).toMatchObject({ valid: true, error_count: 0 });
  });
});
