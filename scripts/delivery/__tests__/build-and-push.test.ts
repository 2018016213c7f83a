/** scripts/build-and-push.ts with `docker` replaced by the recording stand-in and ECR in moto_server. */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '@mlip/catalogue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScript } from '../../lib/run-script.ts';
import { readDockerCalls } from './helpers/docker-record.ts';
import { awsJson, type MotoServer, startMotoServer } from './helpers/moto-server.ts';
import { skipWithoutTools } from './helpers/required-tools.ts';

let moto: MotoServer;
let work: string;
let binDir: string;
let repoUri: string;

const skip = skipWithoutTools(['moto_server', 'aws', 'bash']);

beforeAll(async () => {
  if (skip) return;
  moto = await startMotoServer();
  work = mkdtempSync(join(tmpdir(), 'mlip-bap-'));
  binDir = join(work, 'bin');
  mkdirSync(binDir);
  copyFileSync(
    join(REPO_ROOT, 'scripts/delivery/__tests__/helpers/docker-recorder.sh'),
    join(binDir, 'docker'),
  );
  repoUri = awsJson<{ repository: { repositoryUri: string } }>(moto, [
    'ecr',
    'create-repository',
    '--repository-name',
    'mlip-laptop-yolo-api',
  ]).repository.repositoryUri;
});

afterAll(async () => {
  await moto?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const calls = readDockerCalls;

describe.skipIf(skip)('scripts/build-and-push.ts', () => {
  it('when pushing one service, logs in to ECR, builds for linux/amd64 and pushes the given and moving tags', async () => {
    const record = join(work, 'push.jsonl');
    const res = await runScript('scripts/build-and-push.ts', ['--service', 'yolo-api', '--tag', 'laptop1'], {
      ...moto.env,
      PATH: `${binDir}:${process.env.PATH}`,
      DOCKER_RECORD: record,
      YOLO_API_ECR_URI: repoUri,
    });
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
    const log = calls(record);
    expect(log.map((c) => c.args[0])).toEqual(['login', 'pull', 'build', 'push', 'push']);
    expect(log[0]!.args).toEqual(['login', '--username', 'AWS', '--password-stdin', repoUri.split('/')[0]]);
    const build = log[2]!.args;
    expect(build.slice(0, 5)).toEqual([
      'build',
      '--platform',
      'linux/amd64',
      '--file',
      'services/yolo-api/Dockerfile',
    ]);
    expect(build).toContain(`${repoUri}:laptop1`);
    expect(log.slice(3).map((c) => c.args[1])).toEqual([`${repoUri}:laptop1`, `${repoUri}:latest`]);
  });

  it('when --no-push is given without any AWS configuration, builds local tags and touches no registry', async () => {
    const record = join(work, 'local.jsonl');
    const res = await runScript(
      'scripts/build-and-push.ts',
      ['--service', 'webapp', '--tag', 'dev1', '--no-push', '--no-cache-from'],
      {
        PATH: `${binDir}:${process.env.PATH}`,
        DOCKER_RECORD: record,
        AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      },
    );
    expect(res.code, `${res.stdout}\n${res.stderr}`).toBe(0);
    const log = calls(record);
    expect(log.map((c) => c.args[0])).toEqual(['build']);
    expect(log[0]!.args).toContain('webapp:dev1');
  });

  it('when an unknown service is named, exits 2 listing the valid ones', async () => {
    const res = await runScript('scripts/build-and-push.ts', ['--service', 'gateway']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--service must be one of yolo-api, depth-api, webapp');
  });
});
