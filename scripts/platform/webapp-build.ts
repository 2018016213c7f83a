/**
 * The web UI is served from its Vite build (webapp/dist). Build it when it is missing or older
 * than its sources, so `npm start` on a fresh clone or after a pull serves the current UI.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ARTIFACTS_DIR, REPO_ROOT } from '@mlip/catalogue';
import type { Logger } from '../lib/log.ts';

const WEBAPP_DIR = join(REPO_ROOT, 'webapp');
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'];
/** Several test files may start a platform at once; only one of them may rebuild webapp/dist. */
const LOCK_DIR = join(ARTIFACTS_DIR, '.webapp-build.lock');
const STALE_LOCK_MS = 5 * 60_000;

/**
 * Builds the web UI when needed. Resolves to null when a build is there to serve (current, freshly
 * built, or an older one kept because the rebuild failed), else to the reason there is none.
 */
export async function ensureWebappBuild(
  env: NodeJS.ProcessEnv,
  log: Logger,
  quiet: boolean,
): Promise<string | null> {
  if (env.WEBAPP_DIST) {
    // A build chosen by the user is served as is; the automatic build only writes webapp/dist.
    const index = join(env.WEBAPP_DIST, 'index.html');
    return existsSync(index) ? null : `WEBAPP_DIST has no index.html (${index})`;
  }
  if (webappBuildReason(env) === null) return null;
  return withBuildLock(async () => {
    const why = webappBuildReason(env);
    if (why === null) return null; // another platform built it while we waited
    log.info(`building the web UI (${why})`);
    const failure = await buildWebapp(log, quiet);
    if (failure === null) return null;
    if (existsSync(join(webappDistDir(env), 'index.html'))) {
      log.warn(`${failure}; serving the previous build`);
      return null;
    }
    log.error(failure);
    return failure;
  });
}

async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (statSync(LOCK_DIR, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(LOCK_DIR, { recursive: true, force: true });
      else await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

export function webappDistDir(env: NodeJS.ProcessEnv): string {
  return env.WEBAPP_DIST ? env.WEBAPP_DIST : join(WEBAPP_DIR, 'dist');
}

/** Why a build is needed, or null when dist is current. */
export function webappBuildReason(env: NodeJS.ProcessEnv): string | null {
  const index = join(webappDistDir(env), 'index.html');
  if (!existsSync(index)) return `${index} is missing`;
  const built = statSync(index).mtimeMs;
  const newest = Math.max(...SOURCES.map((s) => newestMtime(join(WEBAPP_DIR, s))));
  return newest > built ? 'webapp sources changed since the last build' : null;
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Runs the webapp's `build` script with the pinned pnpm; resolves to an error message or null. */
function buildWebapp(log: Logger, quiet: boolean): Promise<string | null> {
  const pnpmSpec = (
    JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { packageManager: string }
  ).packageManager;
  return new Promise((resolve) => {
    const child = spawn('npx', ['--yes', pnpmSpec, '--filter', '@mlip/webapp', 'run', 'build'], {
      cwd: REPO_ROOT,
      stdio: quiet ? ['ignore', 'ignore', 'pipe'] : ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-4000);
    });
    child.on('error', (err) => resolve(`could not run the webapp build: ${err.message}`));
    child.on('exit', (code) => {
      if (code === 0) resolve(null);
      else {
        if (quiet && stderr) log.error(stderr);
        resolve(`webapp build failed (exit ${code}); run \`pnpm --filter @mlip/webapp build\` to see why`);
      }
    });
  });
}
