/**
 * Overload check: starts its own platform (yolo-api and depth-api as child processes behind the
 * local gateway, free ports, real models), measures each target's saturation rate, sends an
 * open-loop burst at 4x that rate for 30 s (loopback only, bounded), and checks that every answer
 * is a 200 or a 503 OVERLOADED with Retry-After, that the accepted requests' p99 stays under the
 * bound the admission limits give, that RSS stays under its ceiling, and that the services are
 * ready and answer normally afterwards. Method and figures: docs/reliability-load.md.
 *
 * Usage:
 *   pnpm reliability:overload [--targets yolo-api,depth-api,flow] [--seconds 30] [--multiplier 4]
 *                             [--max-requests 4000] [--images 16] [--json artifacts/reliability-overload.json]
 *
 * Examples:
 *   pnpm reliability:overload                                 all three targets, writes the JSON, prints the table
 *   pnpm reliability:overload --targets yolo-api --seconds 10 a quicker look at one service
 *
 * Exit codes: 0 every check passed, 1 a check failed or the run could not start, 2 invalid arguments.
 */
import { resolve } from 'node:path';
import { parseFlags, positiveInteger, positiveNumber, runMain, UsageError } from './lib/cli-args.ts';
import {
  checkOverload,
  DEFAULT_OVERLOAD_SETTINGS,
  defaultOverloadImages,
  runOverload,
} from './reliability/overload.ts';
import {
  OVERLOAD_REPORT_PATH,
  renderOverloadTable,
  writeOverloadReport,
} from './reliability/overload-report.ts';
import { OVERLOAD_TARGETS, type OverloadTarget } from './reliability/overload-requests.ts';

interface Args {
  targets: OverloadTarget[];
  seconds: number;
  multiplier: number;
  maxRequests: number;
  images: number;
  json: string;
}

function parseArgs(argv: string[]): Args {
  const { values } = parseFlags({
    args: argv,
    strict: true,
    options: {
      targets: { type: 'string' },
      seconds: { type: 'string' },
      multiplier: { type: 'string' },
      'max-requests': { type: 'string' },
      images: { type: 'string' },
      json: { type: 'string' },
    },
  });
  const targets = (values.targets ?? OVERLOAD_TARGETS.join(',')).split(',').map((t) => t.trim());
  for (const t of targets) {
    if (!OVERLOAD_TARGETS.includes(t as OverloadTarget))
      throw new UsageError(`--targets: unknown target "${t}" (choose from ${OVERLOAD_TARGETS.join(', ')})`);
  }
  return {
    targets: targets as OverloadTarget[],
    seconds: positiveNumber('seconds', values.seconds) ?? DEFAULT_OVERLOAD_SETTINGS.burstSeconds,
    multiplier: positiveNumber('multiplier', values.multiplier) ?? DEFAULT_OVERLOAD_SETTINGS.multiplier,
    maxRequests:
      positiveInteger('max-requests', values['max-requests']) ?? DEFAULT_OVERLOAD_SETTINGS.maxRequests,
    images: positiveInteger('images', values.images) ?? 16,
    json: resolve(values.json ?? OVERLOAD_REPORT_PATH),
  };
}

async function main(args: Args): Promise<number> {
  const log = (line: string) => process.stdout.write(`[overload] ${line}\n`);
  const report = await runOverload(
    args.targets,
    {
      ...DEFAULT_OVERLOAD_SETTINGS,
      burstSeconds: args.seconds,
      multiplier: args.multiplier,
      maxRequests: args.maxRequests,
      images: defaultOverloadImages(args.images),
    },
    { log },
  );
  const path = writeOverloadReport(report, args.json);
  process.stdout.write(`\n${renderOverloadTable(report)}\n\nfigures: ${path}\n`);
  return report.targets.every((t) => checkOverload(t).every((c) => c.pass)) ? 0 : 1;
}

// exit() rather than exitCode: a platform child or a keep-alive socket must not hold the process.
process.exit(await runMain('reliability:overload', process.argv.slice(2), parseArgs, main));
