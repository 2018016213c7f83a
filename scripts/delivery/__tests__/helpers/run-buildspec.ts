/**
 * Runs buildspec.yml phase by phase in bash, the way CodeBuild does: buildspec `env.variables`
 * first, the project's environment over them, CODEBUILD_BUILD_SUCCEEDING tracking failures;
 * an install or pre_build failure ends the build, a build failure still runs post_build.
 * Each phase's commands run in one `bash -eo pipefail` so the first failing command fails it.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export const PHASE_ORDER = ['install', 'pre_build', 'build', 'post_build'] as const;
export type PhaseName = (typeof PHASE_ORDER)[number];

export interface Buildspec {
  version: number | string;
  env?: { shell?: string; variables?: Record<string, string>; 'secrets-manager'?: Record<string, string> };
  phases: Partial<Record<PhaseName, { commands?: string[]; 'runtime-versions'?: Record<string, unknown> }>>;
  reports?: Record<string, { files: string[]; 'base-directory'?: string; 'file-format'?: string }>;
  artifacts?: { files: string[]; 'base-directory'?: string };
}

export interface PhaseResult {
  phase: PhaseName;
  status: 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
  output: string;
}

export function readBuildspec(path: string): Buildspec {
  return parse(readFileSync(path, 'utf8')) as Buildspec;
}

export interface RunBuildspecOptions {
  buildspecPath: string;
  /** CODEBUILD_SRC_DIR: where the commands run. */
  srcDir: string;
  /** The project's environment (what infra-tf sets) plus CodeBuild's own variables. */
  projectEnv: NodeJS.ProcessEnv;
  /** Directory put first on PATH (stand-ins such as docker). */
  binDir: string;
}

/** Runs bash without blocking the test worker's event loop (vitest's RPC needs it). */
function runBash(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-eo', 'pipefail', '-c', script], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

export async function runBuildspec(opts: RunBuildspecOptions): Promise<PhaseResult[]> {
  const spec = readBuildspec(opts.buildspecPath);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...(spec.env?.variables ?? {}),
    ...opts.projectEnv,
    CODEBUILD_SRC_DIR: opts.srcDir,
    CODEBUILD_BUILD_SUCCEEDING: '1',
    PATH: `${opts.binDir}:${process.env.PATH}`,
  };
  const results: PhaseResult[] = [];
  let ended = false;
  for (const phase of PHASE_ORDER) {
    const commands = spec.phases[phase]?.commands ?? [];
    if (ended || commands.length === 0) {
      results.push({ phase, status: 'SKIPPED', output: '' });
      continue;
    }
    const res = await runBash(commands.join('\n'), opts.srcDir, env);
    const ok = res.code === 0;
    results.push({ phase, status: ok ? 'SUCCEEDED' : 'FAILED', output: res.output });
    if (!ok) {
      env.CODEBUILD_BUILD_SUCCEEDING = '0';
      if (phase === 'install' || phase === 'pre_build') ended = true;
    }
  }
  return results;
}
