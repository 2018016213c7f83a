/**
 * Service output, made readable in one terminal: JSON log lines (pino-style `level`/`msg`) become
 * `level msg key=value ...`; access-log lines of the runner's own health probes are dropped from the
 * display (they would repeat every few seconds); anything else passes through unchanged.
 */

const PINO_LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const HIDDEN_KEYS = new Set(['level', 'time', 'msg', 'message', 'service', 'pid', 'hostname', 'v']);

/** The display text of one output line, or null to hide it. */
export function formatLogLine(line: string, probePaths: ReadonlySet<string>): string | null {
  if (!line.startsWith('{')) return line;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof record.url === 'string' && probePaths.has(record.url) && Number(record.status) < 400)
    return null;
  const level =
    typeof record.level === 'number' ? (PINO_LEVELS[record.level] ?? String(record.level)) : record.level;
  const message = record.msg ?? record.message ?? '';
  const fields = Object.entries(record)
    .filter(([key]) => !HIDDEN_KEYS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [typeof level === 'string' ? level.padEnd(5) : '', String(message), ...fields]
    .filter(Boolean)
    .join(' ');
}
