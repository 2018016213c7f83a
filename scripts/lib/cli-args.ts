/**
 * Flag handling shared by the measurement scripts (bench, bench:compare, eval-transforms,
 * reliability:overload, reliability:bad-input, loadgen, docker/build-service): node's `parseArgs`
 * with its errors turned into `UsageError`, positive-number flags, and the `main()` wrapper that
 * maps a bad flag to exit 2 and a failure to exit 1. (The operator scripts, which also print their
 * usage, use scripts/delivery/lib/run-cli.ts on top of the same UsageError.)
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A bad command line: the script prints the message and exits 2. */
export class UsageError extends Error {}

/** `parseArgs` from node:util; an unknown flag or a missing value becomes a UsageError. */
export function parseFlags<const T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * The value of `--name` as a number above zero (`integer`: a whole one), or undefined when the
 * flag was not given. Anything else is a UsageError naming the flag and the value.
 */
export function positiveNumber(
  name: string,
  raw: string | undefined,
  options: { integer?: boolean } = {},
): number | undefined {
  if (raw === undefined) return undefined;
  const integer = options.integer ?? false;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${raw}"`);
  }
  return value;
}

/** `positiveNumber` with `integer: true`. */
export function positiveInteger(name: string, raw: string | undefined): number | undefined {
  return positiveNumber(name, raw, { integer: true });
}

/**
 * A script's `main()`: parse `argv` (a UsageError: `<name>: <message>` on stderr, exit 2), run
 * (its exit code), and turn anything thrown into `<name>: <stack>` on stderr, exit 1.
 */
export async function runMain<A>(
  name: string,
  argv: string[],
  parse: (argv: string[]) => A,
  main: (args: A) => Promise<number>,
): Promise<number> {
  let args: A;
  try {
    args = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${name}: ${error.message}\n`);
    return 2;
  }
  try {
    return await main(args);
  } catch (error) {
    process.stderr.write(
      `${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}
