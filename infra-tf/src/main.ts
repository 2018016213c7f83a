/**
 * Synthesizes the platform stack of one environment into cdktf.out/stacks/<namePrefix>/cdk.tf.json.
 *
 *   pnpm --filter @mlip/infra-tf synth                      # dev
 *   PLATFORM_ENV=prod pnpm --filter @mlip/infra-tf synth    # prod
 *   PLATFORM_ENV=all pnpm --filter @mlip/infra-tf synth     # every environment
 *   TF_STATE_BUCKET=my-state pnpm --filter @mlip/infra-tf synth   # state in S3 (native locking)
 *
 * Env: PLATFORM_ENV (default dev), TF_STATE_BUCKET / TF_STATE_LOCK_TABLE (remote state, optional),
 * CI_SOURCE_TYPE / CI_SOURCE_LOCATION / CI_SOURCE_BRANCH (CodeBuild source), CDKTF_OUTDIR (default cdktf.out).
 *
 * Then: terraform -chdir=cdktf.out/stacks/<namePrefix> init && terraform ... apply (docs/infra.md).
 */
import { App } from 'cdktf';
import { sourceWarning, withEnvOverrides } from './config/env-overrides.ts';
import { ENVIRONMENTS, getEnvironment, resolveConfig } from './config/index.ts';
import { PlatformStack } from './platform-stack.ts';

function main(): void {
  const selected = process.env.PLATFORM_ENV || 'dev';
  const names = selected === 'all' ? Object.keys(ENVIRONMENTS) : [selected];
  const app = new App({ outdir: process.env.CDKTF_OUTDIR || 'cdktf.out' });
  for (const name of names) {
    const config = resolveConfig(withEnvOverrides(getEnvironment(name)));
    const warning = sourceWarning(config.ci.source.location, name);
    if (warning) process.stderr.write(`${warning}\n`);
    new PlatformStack(app, config.namePrefix, config);
  }
  app.synth();
  for (const name of names) process.stdout.write(`synthesized environment ${name}\n`);
}

try {
  main();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
