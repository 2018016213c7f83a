/**
 * SIGINT/SIGTERM for a process that stops gracefully on the first request and at once on a second.
 *
 * One Ctrl-C in a terminal reaches every process of the foreground group at the same moment, and
 * the launchers in between (npm, scripts/bootstrap.mjs, tsx, the platform runner stopping its
 * services) pass a stop on as well: a process gets the same request two or three times within a
 * few milliseconds. Counting those as "Ctrl-C again" killed the platform with exit 130 and made the
 * services skip their drain. Signals within `repeatWindowMs` of the first are that same request;
 * only one after it (a person pressing Ctrl-C again) is the second.
 */

export interface StopSignalHandlers {
  /** The first stop request: begin the graceful stop. */
  first(signal: NodeJS.Signals): void;
  /** A stop request that came at least `repeatWindowMs` after the first: stop at once. */
  again(signal: NodeJS.Signals): void;
}

export interface StopSignalOptions {
  /** @default 1000 */
  repeatWindowMs?: number;
  /** @default ['SIGINT', 'SIGTERM'] */
  signals?: readonly NodeJS.Signals[];
  /** Clock, for tests. @default performance.now */
  now?: () => number;
}

export const STOP_SIGNAL_REPEAT_WINDOW_MS = 1_000;

/** Installs the handlers; returns a function that removes them. */
export function onStopSignals(handlers: StopSignalHandlers, options: StopSignalOptions = {}): () => void {
  const windowMs = options.repeatWindowMs ?? STOP_SIGNAL_REPEAT_WINDOW_MS;
  const signals = options.signals ?? (['SIGINT', 'SIGTERM'] as const);
  const now = options.now ?? (() => performance.now());
  let firstAt: number | undefined;
  const listener = (signal: NodeJS.Signals) => {
    if (firstAt === undefined) {
      firstAt = now();
      handlers.first(signal);
      return;
    }
    if (now() - firstAt < windowMs) return; // the same stop, passed on by another process
    handlers.again(signal);
  };
  for (const signal of signals) process.on(signal, listener);
  return () => {
    for (const signal of signals) process.off(signal, listener);
  };
}
