/**
 * Resident memory of a service process, sampled from outside: `VmRSS` in /proc/<pid>/status
 * (Linux), else `process_resident_memory_bytes` from the service's Prometheus /metrics (any OS,
 * but it is an HTTP request that waits for the event loop, so a slower and coarser view).
 */
import { readFile } from 'node:fs/promises';

export const MIB = 1024 * 1024;

/** VmRSS of `pid` in bytes, or null when /proc is not there or the process is gone. */
export async function readProcRssBytes(pid: number): Promise<number | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** `process_resident_memory_bytes` from a Prometheus text page, or null. */
export async function readMetricsRssBytes(metricsUrl: string): Promise<number | null> {
  try {
    const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(2_000) });
    const text = await res.text();
    const match = /^process_resident_memory_bytes\s+([0-9.e+]+)/m.exec(text);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

export interface RssSource {
  pid: number;
  /** Fallback when /proc cannot be read. */
  metricsUrl: string;
}

export async function readRssBytes(source: RssSource): Promise<number | null> {
  return (await readProcRssBytes(source.pid)) ?? (await readMetricsRssBytes(source.metricsUrl));
}

export interface RssSampler {
  /** Stops sampling; resolves with the highest RSS seen (bytes), null when none could be read. */
  stop(): Promise<{ peakBytes: number | null; samples: number }>;
}

/** Samples every `intervalMs` until stopped. */
export function startRssSampler(source: RssSource, intervalMs = 100): RssSampler {
  let peak: number | null = null;
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const rss = await readRssBytes(source);
      if (rss !== null) {
        samples++;
        peak = Math.max(peak ?? 0, rss);
      }
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { peakBytes: peak, samples };
    },
  };
}
