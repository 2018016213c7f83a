import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../../lib/run-script.ts';
import { awsJson, MOTO_ACCOUNT_ID, type MotoServer, startMotoServer } from './helpers/moto-server.ts';
import { skipWithoutTools } from './helpers/required-tools.ts';

const PROJECT = 'mlip-test-build';
let moto: MotoServer;

const skip = skipWithoutTools(['moto_server', 'aws']);

beforeAll(async () => {
  if (skip) return;
  moto = await startMotoServer();
  // What infra-tf creates; moto needs a source location.
  awsJson(moto, [
    'codebuild',
    'create-project',
    '--name',
    PROJECT,
    '--source',
    'type=S3,location=mlip-test-source/source.zip,buildspec=buildspec.yml',
    '--artifacts',
    'type=NO_ARTIFACTS',
    '--environment',
    'type=LINUX_CONTAINER,image=aws/codebuild/standard:7.0,computeType=BUILD_GENERAL1_SMALL,privilegedMode=true',
    '--service-role',
    `arn:aws:iam::${MOTO_ACCOUNT_ID}:role/mlip-test-codebuild`,
  ]);
});

afterAll(async () => {
  await moto?.stop();
});

function buildIds(): string[] {
  return awsJson<{ ids: string[] }>(moto, ['codebuild', 'list-builds-for-project', '--project-name', PROJECT])
    .ids;
}

describe.skipIf(skip)('scripts/trigger-build.ts against the CodeBuild project in moto_server', () => {
  it('when following a build, starts it, reports its id and status, and exits 0 once it succeeds', async () => {
    const before = buildIds().length;
    const res = await runScript(
      'scripts/trigger-build.ts',
      ['--project', PROJECT, '--interval', '1', '--timeout', '30'],
      moto.env,
    );
    expect(res.code, res.stderr).toBe(0);
    const id = /build id: (\S+)/.exec(res.stdout)?.[1];
    expect(id).toMatch(new RegExp(`^${PROJECT}:[0-9a-f-]{36}$`));
    expect(res.stdout).toContain('status: IN_PROGRESS');
    expect(res.stdout).toContain(`build ${id} finished: SUCCEEDED`);
    expect(buildIds()).toHaveLength(before + 1);
    expect(buildIds()).toContain(id);
  });

  it('when --no-follow is given, exits 0 right after the build started', async () => {
    const res = await runScript(
      'scripts/trigger-build.ts',
      ['--project', PROJECT, '--no-follow', '--source-version', 'main'],
      moto.env,
    );
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/build id: mlip-test-build:/);
    expect(res.stdout).not.toContain('finished');
  });

  it('when the project does not exist, exits 1 naming the AWS error', async () => {
    const res = await runScript(
      'scripts/trigger-build.ts',
      ['--project', 'no-such-project', '--no-follow'],
      moto.env,
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('trigger-build: command failed');
    expect(res.stderr).toContain('no-such-project');
  });

  it('when --timeout is not a number, exits 2 with usage', async () => {
    const res = await runScript(
      'scripts/trigger-build.ts',
      ['--project', PROJECT, '--timeout', 'soon'],
      moto.env,
    );
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--timeout must be a positive number of seconds');
    expect(res.stderr).toContain('usage: pnpm trigger-build');
  });
});
