import { type Logger, pino } from 'pino';

export type { Logger };

/** JSON logs on stdout; every request line carries `requestId`. */
export function createLogger(service: string, level: string): Logger {
  return pino({ level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}
