/**
 * The whole test suite, as run by `npm test` (README) and `.ci/run`.
 *
 * Usage:
 *   pnpm run test:all                 # tools check, typecheck, lint, every vitest project
 *   pnpm run test:all -- --only unit  # pass-through filter: vitest --project <name>
 *
 * Steps run in order and stop at the first failure. The last line is
 * `tests: N passed, N failed, N skipped`, read from vitest's JSON report.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ARTIFACTS_DIR, REPO_ROOT } from '@mlip/catalogue';

interface Args {
  projects: string[];
  skipStatic: boolean;
}

function parseCli(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      project: { type: 'string', multiple: true, default: [] },
      'skip-static': { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  return { projects: values.project ?? [], skipStatic: values['skip-static'] ?? false };
}

function step(title: string, cmd: string, args: string[]): number {
  process.stdout.write(`\n\x1b[1m== ${title}\x1b[0m  (${cmd} ${args.join(' ')})\n`);
  const started = Date.now();
  const res = spawnSync(cmd, args, { cwd: REPO_ROOT, stdio: 'inherit', env: process.env });
  process.stdout.write(
    `== ${title}: exit ${res.status} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return res.status ?? 1;
}

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

/** Workspace folders (from pnpm-workspace.yaml's globs) that have a tsconfig.json. */
function workspaceDirsWithTsconfig(): string[] {
  // Only the `packages:` block: later blocks (onlyBuiltDependencies) are lists too.
  const yaml = readFileSync(join(REPO_ROOT, 'pnpm-workspace.yaml'), 'utf8');
  const block = /^packages:\n((?:\s+-\s+.*\n)+)/m.exec(yaml)?.[1] ?? '';
  const globs = [...block.matchAll(/-\s+(\S+)/g)].map((m) => m[1]!);
  const dirs: string[] = [];
  for (const glob of globs) {
    if (glob.endsWith('/*')) {
      const parent = glob.slice(0, -2);
      for (const entry of readdirSync(join(REPO_ROOT, parent), { withFileTypes: true })) {
        if (entry.isDirectory()) dirs.push(join(parent, entry.name));
      }
    } else {
      dirs.push(glob);
    }
  }
  return dirs.filter((d) => existsSync(join(REPO_ROOT, d, 'tsconfig.json')));
}

function main(args: Args): number {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  if (step('test tools', 'bash', ['scripts/ensure-test-tools.sh']) !== 0) return 1;
  if (!args.skipStatic) {
    for (const dir of workspaceDirsWithTsconfig()) {
      if (step(`typecheck ${dir}`, 'tsc', ['-p', join(dir, 'tsconfig.json')]) !== 0) return 1;
    }
    if (step('lint', 'biome', ['check', '.']) !== 0) return 1;
  }
  const projectArgs = args.projects.flatMap((p) => ['--project', p]);
  const code = step('tests', 'vitest', ['run', ...projectArgs]);
  const reportPath = join(ARTIFACTS_DIR, 'test-results.json');
  if (existsSync(reportPath)) {
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as VitestJson;
    const skipped = report.numPendingTests + report.numTodoTests;
    process.stdout.write(
      `\ntests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped\n`,
    );
    if (report.numPassedTests === 0) return 1;
  }
  return code;
}

process.exit(main(parseCli(process.argv.slice(2))));
