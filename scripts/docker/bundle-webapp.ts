/**
 * Production bundle of the web UI, the exact steps webapp/Dockerfile runs:
 *
 *   <out>/dist/              Vite build of webapp (hashed assets + index.html)
 *   <out>/server/main.mjs    webapp/server/main.ts (node builtins + catalogue), one self-contained file
 *   <out>/package.json       { "type": "module" }
 *
 * The layout mirrors webapp/ (server/ beside dist/), so the server finds the build the same
 * way in the repo and in the image. No node_modules at all: nothing to install at run time.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getService, REPO_ROOT } from '@mlip/catalogue';
import { build } from 'esbuild';
import { runPnpm } from '../delivery/lib/exec.ts';

export interface WebappBundleOptions {
  outDir: string;
}

export async function bundleWebapp(opts: WebappBundleOptions): Promise<void> {
  const webDir = join(REPO_ROOT, getService('webapp').workspaceDir);
  const serverEntry = join(webDir, 'server', 'main.ts');
  if (!existsSync(serverEntry))
    throw new Error(`${serverEntry} does not exist: nothing to bundle for the webapp`);

  runPnpm([
    '--filter',
    '@mlip/webapp',
    'exec',
    'vite',
    'build',
    '--outDir',
    join(opts.outDir, 'dist'),
    '--emptyOutDir',
  ]);
  if (!existsSync(join(opts.outDir, 'dist', 'index.html'))) {
    throw new Error('vite build wrote no index.html');
  }

  mkdirSync(join(opts.outDir, 'server'), { recursive: true });
  await build({
    entryPoints: [serverEntry],
    outfile: join(opts.outDir, 'server', 'main.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  writeFileSync(
    join(opts.outDir, 'package.json'),
    `${JSON.stringify({ name: '@mlip/webapp-bundle', private: true, type: 'module' }, null, 2)}\n`,
  );
  process.stdout.write('bundle of webapp: dist/ (vite build), server/main.mjs\n');
}
