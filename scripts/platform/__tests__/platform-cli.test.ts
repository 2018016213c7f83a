import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { REPO_ROOT } from '@mlip/catalogue';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceEntry } from '../service-entry.ts';
import type { PlatformStatus } from '../start-platform.ts';

const CLI = join(REPO_ROOT, 'scripts', 'platform.ts');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const children: ChildProcess[] = [];

/** Spawns `node <nodeArgs>` in the repository, output captured; killed after each test if still running. */
function spawnNode(nodeArgs: string[], detached = false): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, nodeArgs, {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  });
  children.push(child);
  let text = '';
  child.stdout!.on('data', (c: Buffer) => {
    text += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    text += c.toString();
  });
  return { child, output: () => text };
}

function runCli(args: string[]): { child: ChildProcess; output: () => string } {
  // Run node with tsx's loader directly (not the tsx CLI wrapper), so the signal reaches the runner itself.
  return spawnNode(['--import', 'tsx', CLI, ...args]);
}

async function waitFor(predicate: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting; output so far:\n${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('pnpm platform (CLI)', () => {
  it('when given --help, prints the usage and exits 0', async () => {
    const { child, output } = runCli(['--help']);
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(output()).toContain('usage: pnpm platform [--port N]');
  });

  it('when given an unknown service, exits 2 naming it', async () => {
    const { child, output } = runCli(['--only', 'nope-api']);
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(output()).toContain('--only: unknown service nope-api');
  });

  it.skipIf(!serviceEntry('depth-api').present)(
    'when started and then sent SIGTERM, prints the table and URLs, serves through the gateway, and exits 0 leaving no child',
    async () => {
      const { child, output } = runCli(['--port', '0', '--only', 'depth-api', '--no-fetch']);
      await waitFor(() => /Gateway on http:\/\/localhost:(\d+)/.test(output()), 60_000, output);
      const port = /Gateway on http:\/\/localhost:(\d+)/.exec(output())![1];
      expect(output()).toMatch(/depth-api\s+ready/);
      expect(output()).toMatch(/yolo-api\s+not-selected/);

      const ready = await fetch(`http://127.0.0.1:${port}/depthapi/readyz`);
      expect(ready.status).toBe(200);
      const status = (await (
        await fetch(`http://127.0.0.1:${port}/__platform/status`)
      ).json()) as PlatformStatus;
      const pid = status.services['depth-api'].pid!;
      // Without a real Depth Anything file the runner uses the generated stand-in, and says so loudly.
      if (status.services['depth-api'].model?.origin === 'test-model') {
        expect(output()).toContain('!! depth-api answers come from a generated TEST model');
      }
      expect(isAlive(pid)).toBe(true);

      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');

      expect(code).toBe(0);
      expect(output()).toContain('SIGTERM: stopping services');
      expect(isAlive(pid)).toBe(false);
    },
  );

  it.skipIf(!serviceEntry('depth-api').present || process.platform === 'win32')(
    'through npm start’s entry (bootstrap.mjs), one Ctrl-C to the whole process group stops everything cleanly with exit 0',
    async () => {
      // A terminal's Ctrl-C reaches every process of the foreground group at once, and bootstrap and
      // tsx pass it on as well: the runner and the services get it 2-3 times within milliseconds.
      const { child, output } = spawnNode(
        [
          join(REPO_ROOT, 'scripts', 'bootstrap.mjs'),
          'start',
          '--port',
          '0',
          '--only',
          'depth-api',
          '--no-fetch',
        ],
        true,
      );
      await waitFor(() => /Gateway on http:\/\/localhost:(\d+)/.test(output()), 90_000, output);
      const port = /Gateway on http:\/\/localhost:(\d+)/.exec(output())![1];
      const status = (await (
        await fetch(`http://127.0.0.1:${port}/__platform/status`)
      ).json()) as PlatformStatus;
      const pid = status.services['depth-api'].pid!;
      expect(isAlive(pid)).toBe(true);

      process.kill(-child.pid!, 'SIGINT');
      const [code] = await once(child, 'exit');

      expect(code, output()).toBe(0);
      expect(output()).not.toContain('killing everything now');
      expect(output()).not.toContain('second signal');
      expect(output()).toMatch(/depth-api\s+info\s+stopped drained=true/);
      expect(output()).toContain('[platform] stopped');
      await waitFor(() => !isAlive(pid), 5_000, output);
    },
  );
});
