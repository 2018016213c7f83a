/**
 * Production bundle of an inference service, the exact steps its Dockerfile runs:
 *
 *   <out>/dist/main.mjs      services/<svc>/src/main.ts + workspace packages (@mlip/*), bundled by esbuild
 *   <out>/node_modules/      production dependencies only, at the lockfile's versions (`pnpm deploy --prod`,
 *                            hoisted so the bundle resolves them like npm would)
 *   <out>/models/            model files from the catalogue, sha256-verified (copy-models.ts)
 *   <out>/package.json       minimal: name, version, type, dependencies
 *
 * npm packages stay external: sharp and onnxruntime-node are native, and pino starts worker
 * threads by file name, which bundling breaks. Only the workspace's own TypeScript is bundled,
 * because those packages export `.ts` sources that plain `node` cannot run.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join } from 'node:path';
import { getService, REPO_ROOT, type ServiceName } from '@mlip/catalogue';
import { build, type Plugin } from 'esbuild';
import { runPnpm } from '../delivery/lib/exec.ts';

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
}

export interface ApiBundleOptions {
  service: ServiceName;
  outDir: string;
  /** `<platform>/<arch>` the image runs on; other platforms' ONNX Runtime binaries are dropped. */
  targetPlatform: string;
  /** Entry file. @default `<workspaceDir>/src/main.ts` (the service owners' contract) */
  entry?: string;
}

/** Bare package name of an import specifier (`@scope/pkg/sub` -> `@scope/pkg`). */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

const externalizeNpmPackages: Plugin = {
  name: 'externalize-npm-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@mlip/')) return undefined; // workspace TypeScript: bundle it
      return { path: args.path, external: true };
    });
  },
};

function readPackageJson(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** `pnpm deploy --prod` of the service into outDir, then drop everything but node_modules. */
function installProductionDependencies(packageName: string, outDir: string): void {
  runPnpm(
    [
      '--filter',
      packageName,
      'deploy',
      '--prod',
      '--frozen-lockfile',
      // pnpm 10's deploy reads the shared lockfile only with injected workspace packages.
      '--config.inject-workspace-packages=true',
      '--config.node-linker=hoisted',
      '--prefer-offline',
      outDir,
    ],
    { env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' } },
  );
  for (const entry of readdirSync(outDir)) {
    if (entry !== 'node_modules') rmSync(join(outDir, entry), { recursive: true, force: true });
  }
  // Workspace packages are bundled into main.mjs; their TypeScript copies are dead weight.
  rmSync(join(outDir, 'node_modules', '@mlip'), { recursive: true, force: true });
}

/** onnxruntime-node ships binaries for every OS/arch (~200 MB); keep the image's own. */
function pruneOnnxRuntimeBinaries(outDir: string, targetPlatform: string): void {
  const napiDir = join(outDir, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6');
  if (!existsSync(napiDir)) return;
  const [platform, arch] = targetPlatform.split('/');
  for (const os of readdirSync(napiDir)) {
    if (os !== platform) {
      rmSync(join(napiDir, os), { recursive: true, force: true });
      continue;
    }
    for (const cpu of readdirSync(join(napiDir, os))) {
      if (cpu !== arch) rmSync(join(napiDir, os, cpu), { recursive: true, force: true });
    }
  }
}

async function bundleEntry(entry: string, outFile: string): Promise<string[]> {
  const result = await build({
    entryPoints: [entry],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    plugins: [externalizeNpmPackages],
    // Bundled CommonJS helpers may call require(); give ESM output one.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  const externals = new Set<string>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imp of output.imports)
      if (imp.external && !isBuiltin(imp.path)) externals.add(packageNameOf(imp.path));
  }
  return [...externals].sort();
}

export async function bundleApiService(opts: ApiBundleOptions): Promise<void> {
  const service = getService(opts.service);
  const serviceDir = join(REPO_ROOT, service.workspaceDir);
  const entry = opts.entry ?? join(serviceDir, 'src', 'main.ts');
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: nothing to bundle for ${service.name}`);
  const pkg = readPackageJson(serviceDir);

  installProductionDependencies(pkg.name, opts.outDir);
  pruneOnnxRuntimeBinaries(opts.outDir, opts.targetPlatform);

  mkdirSync(join(opts.outDir, 'dist'), { recursive: true });
  const externals = await bundleEntry(entry, join(opts.outDir, 'dist', 'main.mjs'));
  const missing = externals.filter(
    (name) => !existsSync(join(opts.outDir, 'node_modules', name, 'package.json')),
  );
  if (missing.length > 0) {
    throw new Error(
      `${service.name} imports ${missing.join(', ')} at run time, but they are not production dependencies ` +
        `of ${pkg.name} or its workspace packages (move them from devDependencies to dependencies)`,
    );
  }

  const bundlePkg = {
    name: pkg.name,
    version: pkg.version,
    private: true,
    type: 'module',
    main: 'dist/main.mjs',
    dependencies: Object.fromEntries(
      Object.entries(pkg.dependencies ?? {}).filter(([name]) => !name.startsWith('@mlip/')),
    ),
  };
  writeFileSync(join(opts.outDir, 'package.json'), `${JSON.stringify(bundlePkg, null, 2)}\n`);
  process.stdout.write(
    `bundle of ${service.name}: dist/main.mjs, external packages: ${externals.join(', ') || 'none'}\n`,
  );
}
