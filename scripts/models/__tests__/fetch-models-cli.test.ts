import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { REPO_ROOT, testModelsDir } from '@mlip/catalogue';
import { describe, expect, it } from 'vitest';

async function runCli(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'fetch-models.ts'), ...args],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (c: Buffer) => {
    output += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    output += c.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

describe('pnpm models:fetch (CLI)', () => {
  it('when the model is already in --dir with the pinned checksum, skips the download and exits 0', async () => {
    const { code, output } = await runCli(['yolo', '--dir', testModelsDir()]);
    expect(output).toContain('yolo: already present, checksum ok');
    expect(code).toBe(0);
  });

  it('when asked for an unknown model, exits 2 listing the known ones', async () => {
    const { code, output } = await runCli(['resnet']);
    expect(code).toBe(2);
    expect(output).toMatch(/unknown model "resnet"; known: yolo, depth.*, all/);
  });
});
