/**
 * Starts a build of the platform's CodeBuild project (the one infra-tf creates for
 * buildspec.yml) and follows it: status and phase changes, then the CloudWatch log lines,
 * until it ends or --timeout passes.
 *
 * Usage:
 *   pnpm trigger-build [--project <name> | --env <env>] [--source-version <ref>] [--no-follow]
 *                      [--timeout <seconds>] [--interval <seconds>] [--region <region>]
 *
 *   --project          CodeBuild project name (default: $CODEBUILD_PROJECT, else the stack's output)
 *   --env              environment whose stack outputs name the project (default: dev)
 *   --stack-dir        synthesized stack directory (default: infra-tf/cdktf.out/stacks/<matching env>)
 *   --source-version   branch, tag or commit to build (default: the project's source default)
 *   --no-follow        print the build id and exit once it has started
 *   --timeout          stop following after this many seconds (default 3600)
 *   --interval         seconds between status polls (default 10)
 *
 * Examples:
 *   pnpm trigger-build --env dev
 *   pnpm trigger-build --project mlip-dev-build --source-version main --no-follow
 *
 * Exit codes: 0 build succeeded (or started, with --no-follow), 1 build failed/stopped or an
 * AWS call failed, 2 bad arguments, 3 still running when --timeout passed.
 */
import { parseArgs } from 'node:util';
import { capture } from './delivery/lib/exec.ts';
import { runCli } from './delivery/lib/run-cli.ts';
import {
  CODEBUILD_PROJECT_OUTPUT,
  findStackDir,
  pickOutput,
  readOutputs,
} from './delivery/lib/terraform-outputs.ts';

export interface TriggerBuildArgs {
  project: string | undefined;
  env: string;
  stackDir: string | undefined;
  sourceVersion: string | undefined;
  follow: boolean;
  timeoutS: number;
  intervalS: number;
  region: string | undefined;
  help: boolean;
}

const USAGE =
  'usage: pnpm trigger-build [--project <name> | --env <env>] [--source-version <ref>] [--no-follow] [--timeout <s>] [--interval <s>] [--region <r>]';

function positiveNumber(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`--${name} must be a positive number of seconds, got "${raw}"`);
  return n;
}

export function parseTriggerBuildArgs(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): TriggerBuildArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      project: { type: 'string' },
      env: { type: 'string', default: 'dev' },
      'stack-dir': { type: 'string' },
      'source-version': { type: 'string' },
      'no-follow': { type: 'boolean', default: false },
      timeout: { type: 'string' },
      interval: { type: 'string' },
      region: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  return {
    project: values.project ?? (env.CODEBUILD_PROJECT || undefined),
    env: values.env ?? 'dev',
    stackDir: values['stack-dir'],
    sourceVersion: values['source-version'],
    follow: !(values['no-follow'] ?? false),
    timeoutS: positiveNumber(values.timeout, 'timeout', 3600),
    intervalS: positiveNumber(values.interval, 'interval', 10),
    region: values.region,
    help: values.help ?? false,
  };
}

interface Build {
  id: string;
  buildStatus: string;
  currentPhase?: string;
  logs?: { groupName?: string; streamName?: string; deepLink?: string };
}

function awsJson<T>(args: string[], region: string | undefined): T {
  return JSON.parse(
    capture('aws', [...args, ...(region ? ['--region', region] : []), '--output', 'json']),
  ) as T;
}

function getBuild(id: string, region: string | undefined): Build {
  const { builds } = awsJson<{ builds: Build[] }>(['codebuild', 'batch-get-builds', '--ids', id], region);
  const build = builds[0];
  if (!build) throw new Error(`build ${id} not found`);
  return build;
}

/** Prints the log lines written since the last call; returns the token to continue from. */
function printNewLogLines(
  build: Build,
  token: string | undefined,
  region: string | undefined,
): string | undefined {
  const group = build.logs?.groupName;
  const stream = build.logs?.streamName;
  if (!group || !stream) return token;
  try {
    const page = awsJson<{ events: { message: string }[]; nextForwardToken?: string }>(
      [
        'logs',
        'get-log-events',
        '--log-group-name',
        group,
        '--log-stream-name',
        stream,
        '--start-from-head',
        ...(token ? ['--next-token', token] : []),
      ],
      region,
    );
    for (const e of page.events) process.stdout.write(`  | ${e.message.replace(/\n$/, '')}\n`);
    return page.nextForwardToken ?? token;
  } catch {
    return token; // the stream appears a few seconds after the build starts
  }
}

const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));

function resolveProject(args: TriggerBuildArgs): string {
  if (args.project) return args.project;
  const stackDir = findStackDir(args.env, args.stackDir);
  process.stdout.write(`reading the CodeBuild project name from the outputs of ${stackDir}\n`);
  return pickOutput(readOutputs(stackDir), CODEBUILD_PROJECT_OUTPUT, 'CodeBuild project name');
}

export async function triggerBuild(args: TriggerBuildArgs): Promise<number> {
  const project = resolveProject(args);
  process.stdout.write(`starting a build of CodeBuild project ${project}\n`);
  const started = awsJson<{ build: Build }>(
    [
      'codebuild',
      'start-build',
      '--project-name',
      project,
      ...(args.sourceVersion ? ['--source-version', args.sourceVersion] : []),
    ],
    args.region,
  ).build;
  process.stdout.write(`build id: ${started.id}\nstatus: ${started.buildStatus}\n`);
  if (!args.follow) return 0;

  const deadline = Date.now() + args.timeoutS * 1000;
  let lastState = `${started.buildStatus}/${started.currentPhase ?? ''}`;
  let token: string | undefined;
  for (;;) {
    const build = getBuild(started.id, args.region);
    const state = `${build.buildStatus}/${build.currentPhase ?? ''}`;
    if (state !== lastState) {
      process.stdout.write(`status: ${build.buildStatus}, phase: ${build.currentPhase ?? '-'}\n`);
      lastState = state;
    }
    token = printNewLogLines(build, token, args.region);
    if (build.buildStatus !== 'IN_PROGRESS') {
      if (build.logs?.deepLink) process.stdout.write(`logs: ${build.logs.deepLink}\n`);
      process.stdout.write(`build ${build.id} finished: ${build.buildStatus}\n`);
      return build.buildStatus === 'SUCCEEDED' ? 0 : 1;
    }
    if (Date.now() >= deadline) {
      process.stderr.write(
        `build ${build.id} still ${build.buildStatus} after ${args.timeoutS} s; stopped following\n`,
      );
      return 3;
    }
    await sleep(args.intervalS);
  }
}

const cli = {
  usage: USAGE,
  parse: parseTriggerBuildArgs,
  run: triggerBuild,
  failPrefix: 'trigger-build: ',
};

if (process.argv[1]?.endsWith('trigger-build.ts')) process.exit(await runCli(cli, process.argv.slice(2)));
