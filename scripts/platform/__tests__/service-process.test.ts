import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findFreePort } from '../ports.ts';
import { probeReadiness } from '../readiness.ts';
import { ServiceProcess } from '../service-process.ts';

const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'fake-service.ts');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const started: ServiceProcess[] = [];

async function startFake(
  env: Record<string, string>,
  extra: { restart?: boolean; stopTimeoutMs?: number } = {},
) {
  const port = await findFreePort();
  const availability: (string | null)[] = [];
  const proc = new ServiceProcess({
    name: 'yolo-api',
    entry: { file: FIXTURE, relative: 'fake-service.ts', present: true, cwd: dirname(FIXTURE) },
    port,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', FAKE_SERVICE: 'yolo-api', ...env },
    quiet: true,
    restart: extra.restart ?? false,
    stopTimeoutMs: extra.stopTimeoutMs ?? 5000,
    onAvailability: (reason) => availability.push(reason),
  });
  started.push(proc);
  proc.start();
  return { proc, port, availability };
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
});

describe('ServiceProcess', () => {
  it('when the service loads for a while, waitReady resolves only after readyz turns 200', async () => {
    const { proc, port, availability } = await startFake({ FAKE_READY_AFTER_MS: '1500' });

    await proc.waitReady(30_000);

    expect(proc.status()).toMatchObject({ state: 'running', ready: true, reason: null });
    expect(await probeReadiness(port, '/yoloapi/readyz')).toEqual({ kind: 'ready' });
    // Gateway view: "starting (pid …)" first, then proxy to it.
    expect(availability[0]).toMatch(/^starting \(pid \d+\)$/);
    expect(availability.at(-1)).toBeNull();
  });

  it('when stopped, the child gets SIGTERM, exits, and the gateway is told it is stopped', async () => {
    const { proc, availability } = await startFake({});
    await proc.waitReady(30_000);
    const pid = proc.pid!;

    await proc.stop();

    expect(isAlive(pid)).toBe(false);
    expect(proc.status().state).toBe('stopped');
    expect(availability.at(-1)).toBe('stopped');
  });

  it('when the child ignores SIGTERM, stop() sends SIGKILL after the deadline', async () => {
    const { proc } = await startFake({ FAKE_IGNORE_SIGTERM: '1' }, { stopTimeoutMs: 500 });
    await proc.waitReady(30_000);
    const pid = proc.pid!;
    const before = Date.now();

    await proc.stop();

    expect(Date.now() - before).toBeGreaterThanOrEqual(450);
    expect(isAlive(pid)).toBe(false);
  });

  it('when the child crashes on its own, it is reported crashed with the exit code and its last output', async () => {
    const { proc, availability } = await startFake({
      FAKE_EXIT_AFTER_MS: '300',
      FAKE_READY_AFTER_MS: '60000',
    });

    await expect(proc.waitReady(30_000)).rejects.toThrow(
      /crashed \(exited with code 3\)[\s\S]*fatal: simulated crash/,
    );

    expect(proc.status().state).toBe('crashed');
    expect(availability.at(-1)).toBe('crashed (exited with code 3)');
  });

  it('when restart is on and the child crashes once, it is started again and becomes ready', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlip-crash-'));
    try {
      const { proc } = await startFake(
        { FAKE_EXIT_AFTER_MS: '200', FAKE_CRASH_ONCE_FILE: join(dir, 'crashed') },
        { restart: true },
      );
      const firstPid = proc.pid;

      await proc.waitReady(30_000);
      // It may have been ready for a moment before the crash; wait for the second life.
      while (proc.status().restarts === 0) await new Promise((r) => setTimeout(r, 100));
      await proc.waitReady(30_000);

      expect(proc.status()).toMatchObject({ state: 'running', ready: true, restarts: 1 });
      expect(proc.pid).not.toBe(firstPid);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('when killed with a signal as a fault, it is reported crashed with that signal', async () => {
    const { proc } = await startFake({});
    await proc.waitReady(30_000);

    await proc.kill('SIGKILL');

    expect(proc.status()).toMatchObject({
      state: 'crashed',
      ready: false,
      reason: 'crashed (killed by SIGKILL)',
    });
  });
});
