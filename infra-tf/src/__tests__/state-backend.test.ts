import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { synthPlatform, writePlatformStack } from './helpers/synth-platform.ts';

type Backend = Record<string, Record<string, unknown>>;
const backendOf = (json: unknown) => (json as { terraform: { backend: Backend } }).terraform.backend;

describe('Terraform state', () => {
  it('by default, the synthesized stack keeps the local state backend cdktf writes', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'infra-tf-state-'));
    try {
      const stackDir = writePlatformStack(outdir);
      const written = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
      expect(backendOf(written)).toEqual({
        local: { path: expect.stringContaining('terraform.mlip-dev.tfstate') },
      });
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('when remoteState names a bucket, uses encrypted S3 state with native locking under <namePrefix>/', () => {
    const { json } = synthPlatform({
      remoteState: { bucket: 'my-state', key: null, region: null, dynamodbTable: null },
    });
    expect(backendOf(json)).toEqual({
      s3: {
        bucket: 'my-state',
        key: 'mlip-dev/terraform.tfstate',
        region: 'us-east-1',
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  it('when a DynamoDB lock table is given, locks with it instead', () => {
    const { json } = synthPlatform({
      remoteState: { bucket: 'my-state', key: 'k/state', region: 'eu-west-1', dynamodbTable: 'locks' },
    });
    const { s3 } = backendOf(json);
    expect(s3).toMatchObject({ key: 'k/state', region: 'eu-west-1', dynamodb_table: 'locks' });
    expect(s3).not.toHaveProperty('use_lockfile');
  });
});
