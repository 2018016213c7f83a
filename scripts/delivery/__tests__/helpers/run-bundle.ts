/**
 * Runs a production bundle the way its image does: the runtime stage's ENV and CMD read from
 * the Dockerfile, WORKDIR /app mapped to the bundle directory, a free loopback port, and a
 * minimal environment (no repository node_modules within reach: the bundle lives in a temp dir).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { envOf, type Instruction, parseDockerfile } from '../../lint-dockerfile.ts';

export interface ImageRuntime {
  env: Record<string, string>;
  cmd: string[];
  workdir: string;
}

export function readImageRuntime(dockerfilePath: string): ImageRuntime {
  const instructions = parseDockerfile(readFileSync(dockerfilePath, 'utf8'));
  const lastFrom = instructions.map((i) => i.keyword).lastIndexOf('FROM');
  const runtime: Instruction[] = instructions.slice(lastFrom + 1);
  const env = envOf(runtime);
  let workdir = '/';
  let cmd: string[] = [];
  for (const ins of runtime) {
    if (ins.keyword === 'WORKDIR') {
      workdir = ins.args.trim();
    } else if (ins.keyword === 'CMD') {
      cmd = JSON.parse(ins.args) as string[];
    }
  }
  return { env, cmd, workdir };
}

export interface RunningBundle {
  url: string;
  child: ChildProcess;
  logs(): string;
  /** SIGTERM, then the exit code/signal, or 'timeout' after `ms`. */
  stop(ms?: number): Promise<number | string>;
}

export function startBundle(opts: {
  bundleDir: string;
  runtime: ImageRuntime;
  port: number;
  extraEnv?: NodeJS.ProcessEnv;
}): RunningBundle {
  const mapped = Object.fromEntries(
    Object.entries(opts.runtime.env).map(([k, v]) => [k, v.replaceAll(opts.runtime.workdir, opts.bundleDir)]),
  );
  const [command, ...args] = opts.runtime.cmd;
  if (command !== 'node')
    throw new Error(`image CMD does not start with node: ${opts.runtime.cmd.join(' ')}`);
  const child = spawn(process.execPath, args, {
    cwd: opts.bundleDir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...mapped,
      // what `docker run -p` and the test sandbox decide: a free port, loopback only
      PORT: String(opts.port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...opts.extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    url: `http://127.0.0.1:${opts.port}`,
    child,
    logs: () => output,
    stop: (ms = 15_000) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null)
          return resolve(child.exitCode ?? String(child.signalCode));
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve('timeout');
        }, ms);
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          resolve(code ?? String(signal));
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Polls `path` until it answers 200; fails with the process output when it exits or time runs out. */
export async function waitForOk(bundle: RunningBundle, path: string, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (bundle.child.exitCode !== null) {
      throw new Error(
        `the bundle exited (${bundle.child.exitCode}) before ${path} answered 200:\n${bundle.logs()}`,
      );
    }
    try {
      const res = await fetch(`${bundle.url}${path}`, { signal: AbortSignal.timeout(5000) });
      if (res.status === 200) return res;
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${path} did not answer 200 within ${timeoutMs} ms (last: ${last}):\n${bundle.logs()}`);
}
