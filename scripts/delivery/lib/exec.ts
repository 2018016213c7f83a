/**
 * Running external commands (pnpm, docker, aws, terraform) the same way in every delivery
 * script: print the command, inherit or capture output, and stop with a clear error on a
 * non-zero exit instead of carrying on with a half-built image or a half-rolled service.
 */
import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@mlip/catalogue';

export class CommandError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`command failed (exit ${exitCode}): ${command}${stderr ? `\n${stderr.trim()}` : ''}`);
    this.name = 'CommandError';
  }
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Text written to the command's stdin (e.g. a registry password). */
  input?: string;
  /** Print `$ command` before running it (default true). */
  echo?: boolean;
}

function formatCommand(cmd: string, args: readonly string[]): string {
  return [cmd, ...args]
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`))
    .join(' ');
}

function spawnChecked(
  cmd: string,
  args: readonly string[],
  opts: RunOptions,
  stdio: SpawnSyncOptions['stdio'],
) {
  const printable = formatCommand(cmd, args);
  if (opts.echo !== false) process.stdout.write(`$ ${printable}\n`);
  const res = spawnSync(cmd, [...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    env: opts.env ?? process.env,
    input: opts.input,
    stdio,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error) throw new CommandError(printable, null, res.error.message);
  if (res.status !== 0) throw new CommandError(printable, res.status, String(res.stderr ?? ''));
  return res;
}

/** Runs a command with its output streamed to ours; throws CommandError on failure. */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): void {
  spawnChecked(cmd, args, opts, [opts.input === undefined ? 'inherit' : 'pipe', 'inherit', 'inherit']);
}

/** Runs a command and returns its trimmed stdout; stderr is kept for the error message. */
export function capture(cmd: string, args: readonly string[], opts: RunOptions = {}): string {
  const res = spawnChecked(cmd, args, { echo: false, ...opts }, ['pipe', 'pipe', 'pipe']);
  return String(res.stdout).trim();
}

/** The pinned pnpm (`packageManager` in the root package.json), e.g. `pnpm@10.34.8`. */
export function pinnedPnpm(): string {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { packageManager: string };
  return pkg.packageManager;
}

/**
 * pnpm as a command: the `pnpm` on PATH when it is the pinned version, else `npx pnpm@<pinned>`
 * (corepack on some Node 20 releases has stale signing keys: nodejs/corepack#612).
 */
export function pnpmCommand(): [string, string[]] {
  const wanted = pinnedPnpm().split('@')[1];
  const onPath = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (onPath.status === 0 && onPath.stdout.trim() === wanted) return ['pnpm', []];
  return ['npx', ['--yes', pinnedPnpm()]];
}

export function runPnpm(args: readonly string[], opts: RunOptions = {}): void {
  const [cmd, prefix] = pnpmCommand();
  run(cmd, [...prefix, ...args], opts);
}
