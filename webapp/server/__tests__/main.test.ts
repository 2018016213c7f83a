// @vitest-environment node
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const serverDir = dirname(dirname(fileURLToPath(import.meta.url)));
const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');

function waitForListening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = out.match(/"url":"([^"]+)"/);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

describe('webapp server process', () => {
  let dist: string;

  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), 'webapp-main-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>t</title>');
  });

  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it('when started on port 0, serves the build and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [tsxCli, join(serverDir, 'main.ts')], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', WEBAPP_DIST: dist },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await waitForListening(child);
    const health = await fetch(`${url}/healthz`);
    const deepLink = await fetch(`${url}/results/abc`);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(health.status).toBe(200);
    expect(await deepLink.text()).toContain('<title>t</title>');
    expect(await exited).toBe(0);
  });

  it('when WEBAPP_DIST has no index.html, refuses to start and names the key', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'webapp-empty-'));
    const child = spawn(process.execPath, [tsxCli, join(serverDir, 'main.ts')], {
      env: { ...process.env, PORT: 'nope', WEBAPP_DIST: empty },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    rmSync(empty, { recursive: true, force: true });
    expect(code).toBe(2);
    expect(stderr).toContain('PORT must be an integer');
    expect(stderr).toContain('WEBAPP_DIST');
  });
});
