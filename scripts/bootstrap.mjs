#!/usr/bin/env node
/**
 * The two README commands land here, on a fresh clone with nothing but Node 20 + npm:
 *
 *   npm start   -> install dependencies (pinned pnpm, frozen lockfile), then run the local platform
 *   npm test    -> install dependencies and test tools, then run every test suite
 *
 * Plain JavaScript on purpose: it must run before any dependency (tsx, TypeScript) exists.
 *
 * pnpm is pinned through `npx pnpm@<version>` rather than corepack, because the corepack
 * shipped with some Node 20 releases has stale signing keys and refuses to download pnpm
 * (https://github.com/nodejs/corepack/issues/612). The version comes from package.json's
 * `packageManager`, so there is one place to bump it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmSpec = pkg.packageManager; // e.g. "pnpm@10.34.8"

const env = {
  ...process.env,
  // onnxruntime-node's postinstall would download CUDA binaries (no network for that here,
  // and not needed: the CPU binaries ship inside the npm package).
  ONNXRUNTIME_NODE_INSTALL: process.env.ONNXRUNTIME_NODE_INSTALL ?? 'skip',
  // Keep npx quiet and non-interactive.
  npm_config_yes: 'true',
  npm_config_update_notifier: 'false',
};

function log(msg) {
  process.stdout.write(`\x1b[36m[bootstrap]\x1b[0m ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env, ...opts });
  if (res.error) throw res.error;
  return res.status ?? 1;
}

export function pnpm(args, opts) {
  return run('npx', ['--yes', pnpmSpec, ...args], opts);
}

function installIsCurrent() {
  const marker = join(root, 'node_modules', '.pnpm', 'lock.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  if (!existsSync(marker) || !existsSync(lock)) return false;
  return (
    readFileSync(marker, 'utf8') === readFileSync(lock, 'utf8') ||
    statSync(marker).mtimeMs >= statSync(lock).mtimeMs
  );
}

function ensureDependencies() {
  if (installIsCurrent() && process.env.FORCE_INSTALL !== '1') {
    log('dependencies are up to date');
    return;
  }
  log(`installing dependencies with ${pnpmSpec} (frozen lockfile)`);
  const code = pnpm(['install', '--frozen-lockfile']);
  if (code !== 0) {
    console.error('[bootstrap] dependency install failed; see the output above (README: Troubleshooting).');
    process.exit(code);
  }
}

/**
 * Runs a workspace TypeScript entry point as our direct child: node with tsx's loader (no
 * npx/pnpm/tsx-CLI layers in between), and forwards SIGINT/SIGTERM/SIGHUP to it: `kill <bootstrap
 * pid>` (systemd, a container runtime, a test harness) then stops the platform as cleanly as
 * Ctrl-C. Not the tsx CLI: it relays signals too, and when one Ctrl-C reached it twice (the
 * terminal's group signal, then ours) it SIGKILLed the platform mid-stop and exited 130.
 * Exits with the child's code, or re-raises the child's fatal signal.
 */
function runEntry(script, args) {
  const tsxLoader = join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs');
  if (!existsSync(tsxLoader)) {
    console.error(
      `[bootstrap] ${tsxLoader} is missing: the install did not finish (README: Troubleshooting).`,
    );
    process.exit(1);
  }
  const child = spawn(
    process.execPath,
    ['--import', pathToFileURL(tsxLoader).href, join(root, script), ...args],
    {
      cwd: root,
      stdio: 'inherit',
      env,
    },
  );
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward);
  child.on('error', (error) => {
    console.error(`[bootstrap] could not start ${script}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.removeAllListeners(s);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
}

const command = process.argv[2];
const rest = process.argv.slice(3);
if (command === 'start') {
  ensureDependencies();
  runEntry('scripts/platform.ts', rest);
} else if (command === 'test') {
  ensureDependencies();
  runEntry('scripts/run-tests.ts', rest);
} else if (command === 'install') {
  ensureDependencies();
} else {
  console.error('usage: node scripts/bootstrap.mjs <start|test|install> [args...]');
  process.exit(2);
}
