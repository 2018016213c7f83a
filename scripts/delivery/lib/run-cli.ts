/**
 * The shared `main()` of the operator scripts (deploy, destroy, trigger-build, build-and-push, smoke):
 * parse the flags (a bad one: the message and the usage on stderr, exit 2), `--help` (usage, exit 0),
 * run, and turn an error into one `<name>: <message>` line on stderr (exit 1, or what `exitCodeFor` says).
 */
export interface CliSpec<A extends { help: boolean }> {
  usage: string;
  parse(argv: string[]): A;
  /** Returns the exit code, or nothing for 0. */
  run(args: A): number | undefined | Promise<number | undefined>;
  /** Prefix of the failure line, e.g. `deploy: ` or `FAIL smoke: `. */
  failPrefix: string;
  /** Exit code for an error thrown by `run`. @default 1 */
  exitCodeFor?(error: unknown): number;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function runCli<A extends { help: boolean }>(spec: CliSpec<A>, argv: string[]): Promise<number> {
  let args: A;
  try {
    args = spec.parse(argv);
  } catch (error) {
    process.stderr.write(`${messageOf(error)}\n${spec.usage}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${spec.usage}\n`);
    return 0;
  }
  try {
    return (await spec.run(args)) ?? 0;
  } catch (error) {
    process.stderr.write(`${spec.failPrefix}${messageOf(error)}\n`);
    return spec.exitCodeFor?.(error) ?? 1;
  }
}
