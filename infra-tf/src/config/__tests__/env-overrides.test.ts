import { describe, expect, it } from 'vitest';
import { sourceWarning, withEnvOverrides } from '../env-overrides.ts';
import { ConfigError, getEnvironment, resolveConfig } from '../index.ts';

describe('synth-time environment overrides', () => {
  it('when CI_SOURCE_LOCATION and CI_SOURCE_BRANCH are set, the CodeBuild source uses them and keeps the rest', () => {
    const config = resolveConfig(
      withEnvOverrides(getEnvironment('prod'), {
        CI_SOURCE_LOCATION: 'https://github.com/me/fork.git',
        CI_SOURCE_BRANCH: 'release',
      }),
    );
    expect(config.ci.source).toEqual({
      type: 'GITHUB',
      location: 'https://github.com/me/fork.git',
      branch: 'release',
      webhook: false,
    });
    expect(config.services['yolo-api'].minTasks).toBe(2);
    expect(sourceWarning(config.ci.source.location, 'prod')).toBeNull();
  });

  it('when nothing is set, the input is unchanged and the placeholder source is warned about', () => {
    const input = getEnvironment('dev');
    expect(withEnvOverrides(input, {})).toBe(input);
    const config = resolveConfig(input);
    expect(sourceWarning(config.ci.source.location, 'dev')).toMatch(/placeholder .*CI_SOURCE_LOCATION/);
  });

  it('when TF_STATE_BUCKET is set, state goes to S3 with the optional lock table', () => {
    const config = resolveConfig(
      withEnvOverrides(getEnvironment('dev'), { TF_STATE_BUCKET: 'my-state', TF_STATE_LOCK_TABLE: 'locks' }),
    );
    expect(config.remoteState).toMatchObject({ bucket: 'my-state', dynamodbTable: 'locks' });
  });

  it('when CI_SOURCE_TYPE is not a source type, resolveConfig refuses it with a ConfigError', () => {
    expect(() => resolveConfig(withEnvOverrides(getEnvironment('dev'), { CI_SOURCE_TYPE: 'SVN' }))).toThrow(
      ConfigError,
    );
  });
});
