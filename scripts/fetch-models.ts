/**
 * Download the model files the services load, from their pinned public URLs, verifying size and
 * SHA-256 (catalogue `MODELS`). Files already present with the right hash are skipped.
 *
 * Usage:
 *   pnpm models:fetch [yolo|depth|all] [--dir DIR] [--force]
 *
 * Examples:
 *   pnpm models:fetch                    # every model into MODELS_DIR (default <repo>/models)
 *   pnpm models:fetch yolo --dir /tmp/m  # only the YOLO model, into /tmp/m
 *   pnpm models:fetch all --force        # download again even when verified copies exist
 *
 * Exit codes: 0 all models present, 1 a download failed, 2 bad arguments.
 */
import { parseArgs } from 'node:util';
import { MODELS, type ModelKey, type ModelSource } from '@mlip/catalogue';
import { createLogger } from './lib/log.ts';
import { fetchModel, ModelFetchError } from './models/fetch-model.ts';
import { defaultModelsDir } from './models/models-dir.ts';

interface Args {
  keys: ModelKey[];
  dir: string;
  force: boolean;
  help: boolean;
}

const log = createLogger('models');
const catalogue: Record<string, ModelSource> = MODELS;
const USAGE = `usage: pnpm models:fetch [${[...Object.keys(catalogue), 'all'].join('|')}] [--dir DIR] [--force]`;

function parseCli(argv: string[]): Args {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      dir: { type: 'string' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
  });
  const wanted = positionals.length === 0 ? ['all'] : positionals;
  const keys = new Set<ModelKey>();
  for (const name of wanted) {
    if (name === 'all') {
      for (const key of Object.keys(catalogue)) keys.add(key as ModelKey);
    } else if (name in catalogue) {
      keys.add(name as ModelKey);
    } else {
      throw new Error(`unknown model "${name}"; known: ${Object.keys(catalogue).join(', ')}, all`);
    }
  }
  return {
    keys: [...keys],
    dir: values.dir ?? defaultModelsDir(),
    force: values.force ?? false,
    help: values.help ?? false,
  };
}

/** One line that rewrites itself on a terminal; quarter steps in a CI log. */
function progressPrinter(file: string): (received: number, total: number) => void {
  let lastQuarter = -1;
  return (received, total) => {
    const pct = Math.floor((received / total) * 100);
    const line = `  ${file} ${pct}% (${(received / 1e6).toFixed(1)}/${(total / 1e6).toFixed(1)} MB)`;
    if (process.stdout.isTTY) {
      process.stdout.write(`\r${line}${received === total ? '\n' : ''}`);
    } else if (Math.floor(pct / 25) > lastQuarter) {
      lastQuarter = Math.floor(pct / 25);
      process.stdout.write(`${line}\n`);
    }
  };
}

async function main(args: Args): Promise<number> {
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let failures = 0;
  for (const key of args.keys) {
    const source = catalogue[key]!;
    log.info(`${key}: ${source.file} -> ${args.dir}`);
    try {
      const result = await fetchModel(source, args.dir, {
        force: args.force,
        onProgress: progressPrinter(source.file),
      });
      log.info(
        `${key}: ${result.status === 'present' ? 'already present, checksum ok' : 'downloaded, checksum ok'}: ${result.path}`,
      );
    } catch (err) {
      failures += 1;
      log.error(`${key}: ${err instanceof ModelFetchError ? err.message : String(err)}`);
    }
  }
  return failures === 0 ? 0 : 1;
}

let args: Args;
try {
  args = parseCli(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
  process.exit(2);
}
process.exit(await main(args));
