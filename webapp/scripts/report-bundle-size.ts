/**
 * Print the gzip size of the built JavaScript and fail when it is over the budget.
 *
 * Usage:
 *   tsx scripts/report-bundle-size.ts [--dist <dir>] [--budget-kb <n>]
 *
 * Examples:
 *   tsx scripts/report-bundle-size.ts                    # webapp/dist, 200 KB budget
 *   tsx scripts/report-bundle-size.ts --budget-kb 150
 *
 * Exit codes: 0 within budget, 1 over budget or no JavaScript found, 2 bad arguments.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs as parseNodeArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

interface Args {
  distDir: string;
  budgetBytes: number;
}

export interface BundleSize {
  file: string;
  bytes: number;
  gzipBytes: number;
}

function parseArgs(argv: string[]): Args {
  const { values } = parseNodeArgs({
    args: argv,
    options: { dist: { type: 'string' }, 'budget-kb': { type: 'string', default: '200' } },
  });
  const budgetKb = Number(values['budget-kb']);
  if (!Number.isFinite(budgetKb) || budgetKb <= 0) throw new Error('--budget-kb must be a positive number');
  const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  return { distDir: resolve(values.dist ?? join(webDir, 'dist')), budgetBytes: budgetKb * 1024 };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

export function measureJavaScript(distDir: string): BundleSize[] {
  return listFiles(distDir)
    .filter((file) => file.endsWith('.js'))
    .map((file) => {
      const content = readFileSync(file);
      return {
        file: relative(distDir, file),
        bytes: content.length,
        gzipBytes: gzipSync(content, { level: 9 }).length,
      };
    });
}

function main(args: Args): number {
  const sizes = measureJavaScript(args.distDir);
  if (sizes.length === 0) {
    process.stderr.write(`no JavaScript in ${args.distDir}: run \`vite build\` first\n`);
    return 1;
  }
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  for (const s of sizes) process.stdout.write(`${s.file}  ${kb(s.bytes)}  gzip ${kb(s.gzipBytes)}\n`);
  const total = sizes.reduce((sum, s) => sum + s.gzipBytes, 0);
  const verdict = total <= args.budgetBytes ? 'within' : 'OVER';
  process.stdout.write(
    `JavaScript total gzip: ${kb(total)} (${verdict} the ${kb(args.budgetBytes)} budget)\n`,
  );
  return total <= args.budgetBytes ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  process.exit(main(args));
}
