/**
 * Settings a user can change at synth time without editing `environments.ts`:
 *
 *   TF_STATE_BUCKET, TF_STATE_LOCK_TABLE   Terraform state in S3 (native locking, optional DynamoDB table)
 *   CI_SOURCE_TYPE                         GITHUB | CODECOMMIT | S3 (CodeBuild source)
 *   CI_SOURCE_LOCATION                     clone URL, or bucket/key.zip for S3
 *   CI_SOURCE_BRANCH                       branch CodeBuild builds by default
 *
 * `deploy` passes its environment through to synth, so `CI_SOURCE_LOCATION=https://github.com/me/fork.git
 * pnpm run deploy` points the pipeline at a fork.
 */
import type { PlatformConfigInput } from './platform-config.ts';

/** The placeholder clone URL of `defaults.ts`: a pipeline built from it cannot check anything out. */
export const PLACEHOLDER_SOURCE_PATTERN = /github\.com\/your-org\//;

export function withEnvOverrides(
  input: PlatformConfigInput,
  env: NodeJS.ProcessEnv = process.env,
): PlatformConfigInput {
  let out: PlatformConfigInput = input;
  const bucket = env.TF_STATE_BUCKET;
  if (bucket) {
    out = {
      ...out,
      remoteState: { bucket, key: null, region: null, dynamodbTable: env.TF_STATE_LOCK_TABLE || null },
    };
  }
  const source: Record<string, string> = {};
  if (env.CI_SOURCE_TYPE) source.type = env.CI_SOURCE_TYPE;
  if (env.CI_SOURCE_LOCATION) source.location = env.CI_SOURCE_LOCATION;
  if (env.CI_SOURCE_BRANCH) source.branch = env.CI_SOURCE_BRANCH;
  if (Object.keys(source).length > 0) {
    // resolveConfig validates the values (type enum, non-empty location) with its usual errors.
    out = {
      ...out,
      ci: { ...out.ci, source: { ...out.ci?.source, ...source } } as PlatformConfigInput['ci'],
    };
  }
  return out;
}

/** A warning line when the CodeBuild source is still the placeholder, else null. */
export function sourceWarning(location: string, environment: string): string | null {
  if (!PLACEHOLDER_SOURCE_PATTERN.test(location)) return null;
  return (
    `warning: environment "${environment}": the CodeBuild source is the placeholder ${location}; ` +
    'builds will fail to check out. Set CI_SOURCE_LOCATION (and CI_SOURCE_BRANCH) or ci.source in ' +
    'infra-tf/src/config/environments.ts.'
  );
}
