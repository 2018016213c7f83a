/**
 * Live progress: a redrawn bar on a terminal, plain periodic lines otherwise (CI logs,
 * pipes), so logs are not flooded with carriage returns.
 */
import type { RequestRecord } from './request-record.ts';

export interface ProgressReporter {
  update(record: RequestRecord): void;
  finish(): void;
}

export function createProgressReporter(opts: {
  total: number;
  durationSeconds: number;
  stream?: NodeJS.WriteStream;
  intervalMs?: number;
}): ProgressReporter {
  const stream = opts.stream ?? process.stderr;
  const isTty = stream.isTTY === true;
  const started = Date.now();
  const intervalMs = opts.intervalMs ?? (isTty ? 200 : 5000);
  let done = 0;
  let failed = 0;
  let lastLatency = 0;
  let lastDraw = 0;

  const line = () => {
    const elapsed = (Date.now() - started) / 1000;
    // Whichever bound comes first decides how far along the run is.
    const fraction = Math.min(1, Math.max(done / opts.total, elapsed / opts.durationSeconds));
    const rate = elapsed > 0 ? done / elapsed : 0;
    const stats = `${done}/${opts.total} req  ${failed} failed  ${rate.toFixed(1)} req/s  last ${lastLatency.toFixed(0)} ms  ${elapsed.toFixed(0)} s`;
    if (!isTty) return `[loadgen] ${stats}`;
    const width = 28;
    const filled = Math.round(fraction * width);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${stats}`;
  };
  const draw = (force: boolean) => {
    const now = Date.now();
    if (!force && now - lastDraw < intervalMs) return;
    lastDraw = now;
    stream.write(isTty ? `\r\x1b[2K${line()}` : `${line()}\n`);
  };

  return {
    update(record) {
      done += 1;
      if (!record.ok) failed += 1;
      lastLatency = record.latency_ms;
      draw(false);
    },
    finish() {
      draw(true);
      if (isTty) stream.write('\n');
    },
  };
}
