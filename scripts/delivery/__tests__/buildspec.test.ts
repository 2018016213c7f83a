/**
 * buildspec.yml, phase by phase in bash with CodeBuild's variables, `docker` replaced by a
 * recording stand-in and `aws` pointed at a real moto_server. SKIP_CHECKS=1 skips the heavy
 * steps (install, typecheck, lint, unit tests) that the full test command runs anyway.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, SERVICE_NAMES, type ServiceName } from '@mlip/catalogue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDockerCalls } from './helpers/docker-record.ts';
import { awsJson, type MotoServer, startMotoServer } from './helpers/moto-server.ts';
import { skipWithoutTools } from './helpers/required-tools.ts';
import { type PhaseResult, readBuildspec, runBuildspec } from './helpers/run-buildspec.ts';
import { type SeededPlatform, seedPlatform } from './helpers/seed-ecs.ts';

const COMMIT = 'f00dfacecafe0123456789abcdef0123456789ab';
const COMMIT_TAG = 'f00dfacecafe';
const HELPERS = join(REPO_ROOT, 'scripts', 'delivery', '__tests__', 'helpers');

let moto: MotoServer;
let workDir: string;

const skip = skipWithoutTools(['moto_server', 'aws', 'bash']);

beforeAll(async () => {
  if (skip) return;
  moto = await startMotoServer();
  workDir = mkdtempSync(join(tmpdir(), 'mlip-buildspec-'));
});

afterAll(async () => {
  await moto?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function harness(name: string, platform: SeededPlatform, extraEnv: NodeJS.ProcessEnv = {}) {
  const dir = join(workDir, name);
  const binDir = join(dir, 'bin');
  mkdirSync(binDir, { recursive: true });
  copyFileSync(join(HELPERS, 'docker-recorder.sh'), join(binDir, 'docker'));
  copyFileSync(join(HELPERS, 'fake-pnpm.sh'), join(binDir, 'pnpm'));
  const record = join(dir, 'docker-calls.jsonl');
  const outDir = join(dir, 'out');
  const results = await runBuildspec({
    buildspecPath: join(REPO_ROOT, 'buildspec.yml'),
    srcDir: REPO_ROOT,
    binDir,
    projectEnv: {
      ...moto.env,
      ...platform.projectEnv,
      CODEBUILD_RESOLVED_SOURCE_VERSION: COMMIT,
      CODEBUILD_BUILD_ID: `${name}:1`,
      SKIP_CHECKS: '1',
      DELIVERY_OUT_DIR: outDir,
      DOCKER_RECORD: record,
      ...extraEnv,
    },
  });
  const calls = () => readDockerCalls(record);
  return { results, calls, outDir };
}

function statuses(results: PhaseResult[]): Record<string, string> {
  return Object.fromEntries(results.map((r) => [r.phase, r.status]));
}

function describeServiceImage(platform: SeededPlatform, name: ServiceName) {
  const svc = awsJson<{ services: { taskDefinition: string }[] }>(moto, [
    'ecs',
    'describe-services',
    '--cluster',
    platform.cluster,
    '--services',
    platform.ecsServices[name],
  ]).services[0]!;
  const td = awsJson<{
    taskDefinition: {
      taskDefinitionArn: string;
      revision: number;
      networkMode: string;
      containerDefinitions: { name: string; image: string; portMappings: unknown[]; stopTimeout: number }[];
    };
  }>(moto, ['ecs', 'describe-task-definition', '--task-definition', svc.taskDefinition]).taskDefinition;
  return { taskDefinitionArn: svc.taskDefinition, taskDefinition: td };
}

// A whole buildspec run is a few dozen process starts (bash, pnpm, tsx, aws, docker stand-in):
// seconds on an idle machine, minutes on a busy 2-core CI runner.
describe.skipIf(skip)(
  'buildspec.yml in a CodeBuild-like harness against moto_server',
  { timeout: 300_000 },
  () => {
    it('declares the four phases, the JUnit report and imagedefinitions.json as artifact', () => {
      const spec = readBuildspec(join(REPO_ROOT, 'buildspec.yml'));
      expect(String(spec.version)).toBe('0.2');
      expect(Object.keys(spec.phases)).toEqual(['install', 'pre_build', 'build', 'post_build']);
      expect(spec.phases.install?.['runtime-versions']).toEqual({ nodejs: 20 });
      expect(spec.reports?.['unit-tests']).toEqual({
        files: ['junit.xml'],
        'base-directory': 'artifacts',
        'file-format': 'JUNITXML',
      });
      expect(spec.artifacts?.files).toEqual(['imagedefinitions.json']);
      // No credential in plain env: only switches and paths.
      for (const name of Object.keys(spec.env?.variables ?? {})) {
        expect(name).not.toMatch(/SECRET|PASSWORD|TOKEN|KEY/i);
      }
    });

    it('when every phase succeeds, pushes commit and moving tags, writes imagedefinitions.json and rolls every ECS service onto the new image', async () => {
      // GIVEN the platform infra-tf creates
      const platform = seedPlatform(moto, 'mlip-ok');
      // WHEN the buildspec runs
      const { results, calls, outDir } = await harness('ok', platform);
      // THEN
      expect(statuses(results), results.map((r) => `--- ${r.phase}\n${r.output}`).join('\n')).toEqual({
        install: 'SUCCEEDED',
        pre_build: 'SUCCEEDED',
        build: 'SUCCEEDED',
        post_build: 'SUCCEEDED',
      });
      const registry = platform.repositoryUris['yolo-api'].split('/')[0]!;
      const logins = calls().filter((c) => c.args[0] === 'login');
      expect(logins).toHaveLength(1);
      expect(logins[0]!.args).toEqual(['login', '--username', 'AWS', '--password-stdin', registry]);
      expect(logins[0]!.stdin.length).toBeGreaterThan(0);

      const builds = calls().filter((c) => c.args[0] === 'build');
      expect(builds.map((b) => b.args[b.args.indexOf('--file') + 1])).toEqual([
        'services/yolo-api/Dockerfile',
        'services/depth-api/Dockerfile',
        'webapp/Dockerfile',
      ]);
      for (const [i, name] of SERVICE_NAMES.entries()) {
        const args = builds[i]!.args;
        const tags = args.flatMap((a, j) => (args[j - 1] === '--tag' ? [a] : []));
        expect(tags).toEqual([
          `${platform.repositoryUris[name]}:${COMMIT_TAG}`,
          `${platform.repositoryUris[name]}:latest`,
        ]);
        expect(args).toContain(`org.opencontainers.image.revision=${COMMIT}`);
        expect(args[args.length - 1]).toBe('.');
      }

      const pushed = calls()
        .filter((c) => c.args[0] === 'push')
        .map((c) => c.args[1]);
      expect(pushed).toEqual(
        SERVICE_NAMES.flatMap((n) => [
          `${platform.repositoryUris[n]}:${COMMIT_TAG}`,
          `${platform.repositoryUris[n]}:latest`,
        ]),
      );

      const definitions = JSON.parse(readFileSync(join(outDir, 'imagedefinitions.json'), 'utf8'));
      expect(definitions).toEqual(
        SERVICE_NAMES.map((n) => ({ name: n, imageUri: `${platform.repositoryUris[n]}:${COMMIT_TAG}` })),
      );

      for (const name of SERVICE_NAMES) {
        const { taskDefinitionArn, taskDefinition } = describeServiceImage(platform, name);
        expect(taskDefinitionArn).not.toBe(platform.initialTaskDefinitions[name]);
        expect(taskDefinition.revision).toBe(2);
        expect(taskDefinition.networkMode).toBe('awsvpc');
        expect(taskDefinition.containerDefinitions).toHaveLength(1);
        const container = taskDefinition.containerDefinitions[0]!;
        expect(container.image).toBe(`${platform.repositoryUris[name]}:${COMMIT_TAG}`);
        // everything else infra-tf set is carried over
        expect(container.stopTimeout).toBe(30);
        expect(container.portMappings).toHaveLength(1);
      }
    });

    it('when docker build fails, post_build refuses to push and the ECS services keep their task definitions', async () => {
      const platform = seedPlatform(moto, 'mlip-broken');
      const { results, calls, outDir } = await harness('broken', platform, { DOCKER_FAIL_BUILD: '1' });
      expect(statuses(results)).toEqual({
        install: 'SUCCEEDED',
        pre_build: 'SUCCEEDED',
        build: 'FAILED',
        post_build: 'FAILED',
      });
      expect(results[3]!.output).toContain('the build did not succeed');
      expect(calls().filter((c) => c.args[0] === 'push')).toEqual([]);
      expect(() => readFileSync(join(outDir, 'imagedefinitions.json'))).toThrow();
      for (const name of SERVICE_NAMES) {
        expect(describeServiceImage(platform, name).taskDefinitionArn).toBe(
          platform.initialTaskDefinitions[name],
        );
      }
    });

    it('when the project lacks a repository variable, pre_build stops and names it', async () => {
      const platform = seedPlatform(moto, 'mlip-misconfigured');
      const { results } = await harness('misconfigured', platform, { DEPTH_API_ECR_URI: '' });
      expect(statuses(results)).toEqual({
        install: 'SUCCEEDED',
        pre_build: 'FAILED',
        build: 'SKIPPED',
        post_build: 'SKIPPED',
      });
      expect(results[1]!.output).toContain('missing environment variable(s): DEPTH_API_ECR_URI');
    });
  },
);
