/**
 * The bad-input corpus against a real local platform (yolo-api with the real model, depth-api with
 * the generated test model, behind the gateway; loopback only): prints one row per case with the
 * status and error code each API answered, and writes the figures as JSON.
 *
 * Usage:
 *   pnpm reliability:bad-input [--passes N] [--out FILE] [--models-dir DIR]
 *
 * Examples:
 *   pnpm reliability:bad-input                              4 passes, artifacts/reliability-bad-input.json
 *   npx tsx scripts/reliability/bad-input-corpus.ts --passes 2 --out /tmp/corpus.json
 *
 * Exit codes: 0 every case answered as expected and memory stayed in bounds, 1 a case failed or
 * memory went over its bound or the service was not healthy after the corpus, 2 invalid arguments.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ARTIFACTS_DIR } from '@mlip/catalogue';
import { parseFlags, UsageError } from '../lib/cli-args.ts';
import { CORPUS_LIMITS, startCorpusPlatform } from './bad-input/corpus-platform.ts';
import { caseRows, formatTable, formatTotals, writeCorpusReport } from './bad-input/corpus-report.ts';
import { API_NAMES, runCorpus, WARM_UP_PASSES } from './bad-input/run-corpus.ts';

const USAGE = 'usage: pnpm reliability:bad-input [--passes N] [--out FILE] [--models-dir DIR]';

/** One warm-up pass (see WARM_UP_PASSES) and three measured ones. */
export const DEFAULT_PASSES = 4;

export const DEFAULT_REPORT_FILE = join(ARTIFACTS_DIR, 'reliability-bad-input.json');

interface Args {
  passes: number;
  out: string;
  modelsDir: string | undefined;
}

function parseArgs(argv: string[]): Args {
  const { values } = parseFlags({
    args: argv,
    options: { passes: { type: 'string' }, out: { type: 'string' }, 'models-dir': { type: 'string' } },
    strict: true,
  });
  const passes = Number(values.passes ?? DEFAULT_PASSES);
  const min = WARM_UP_PASSES + 1;
  if (!Number.isInteger(passes) || passes < min || passes > 50) {
    throw new UsageError(
      `--passes must be an integer ${min}..50 (the first is the memory warm-up), got ${values.passes}`,
    );
  }
  return { passes, out: values.out ?? DEFAULT_REPORT_FILE, modelsDir: values['models-dir'] };
}

export async function main(args: Args): Promise<number> {
  process.stdout.write('bad-input corpus: starting yolo-api and depth-api behind the gateway...\n');
  const corpus = await startCorpusPlatform({ modelsDir: args.modelsDir });
  try {
    process.stdout.write(`platform on ${corpus.platform.url}; ${args.passes} pass(es)\n`);
    const run = await runCorpus({
      baseUrl: corpus.platform.url,
      context: corpus.context,
      photo: { bytes: corpus.photo, size: { width: 810, height: 1080 } },
      passes: args.passes,
    });
    process.stdout.write(`\n${formatTable(caseRows(run))}\n\n${formatTotals(run)}\n`);
    writeCorpusReport(args.out, run, {
      command: `npx tsx scripts/reliability/bad-input-corpus.ts --passes ${args.passes}`,
      yoloModel: corpus.yoloModelPath,
      depthModel: `${corpus.depthModelPath} (generated test model)`,
      limits: { ...CORPUS_LIMITS },
    });
    process.stdout.write(`report: ${args.out}\n`);
    const healthy = API_NAMES.every((api) => {
      const h = run.healthAfter[api];
      const m = run.memory[api];
      return h.readyStatus === 200 && h.validProblems.length === 0 && m.finalRss <= m.boundRss;
    });
    return run.failed === 0 && healthy ? 0 : 1;
  } finally {
    await corpus.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  main(args).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`bad-input corpus failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
