/**
 * Terminal output for the scripts: coloured tags when stdout is a TTY, plain text in CI logs
 * and when NO_COLOR is set (https://no-color.org).
 */

const useColor = process.stdout.isTTY === true && !process.env.NO_COLOR;

const CODES = { red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, grey: 90, bold: 1 } as const;
export type Color = keyof typeof CODES;

export function paint(color: Color, text: string): string {
  return useColor ? `\x1b[${CODES[color]}m${text}\x1b[0m` : text;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that prefixes every line with `[tag]`; `quiet` keeps only warnings and errors. */
export function createLogger(tag: string, options: { quiet?: boolean; color?: Color } = {}): Logger {
  const prefix = paint(options.color ?? 'cyan', `[${tag}]`);
  return {
    info(message) {
      if (!options.quiet) process.stdout.write(`${prefix} ${message}\n`);
    },
    warn(message) {
      process.stderr.write(`${prefix} ${paint('yellow', message)}\n`);
    },
    error(message) {
      process.stderr.write(`${prefix} ${paint('red', message)}\n`);
    },
  };
}
