/** One readiness probe against a service's health path, as the ALB target group would do it. */
import http from 'node:http';

export type Probe =
  | { kind: 'ready' }
  | { kind: 'not-ready'; reason: string }
  /** No HTTP answer at all: not listening yet, or gone. */
  | { kind: 'down'; reason: string };

export function probeReadiness(port: number, path: string, timeoutMs = 2000): Promise<Probe> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => resolve({ kind: 'down', reason: 'response broke off' }));
      res.on('end', () => {
        if (res.statusCode === 200) {
          resolve({ kind: 'ready' });
          return;
        }
        resolve({
          kind: 'not-ready',
          reason: notReadyReason(res.statusCode ?? 0, Buffer.concat(chunks).toString()),
        });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ kind: 'down', reason: err.code ?? err.message }),
    );
  });
}

/** `{"status":"not-ready","reason":"..."}` (API contract) or an error body; else the status code. */
function notReadyReason(status: number, body: string): string {
  try {
    const json = JSON.parse(body) as { reason?: unknown; status?: unknown; error?: { message?: unknown } };
    if (typeof json.reason === 'string') return json.reason;
    if (typeof json.error?.message === 'string') return json.error.message;
    if (typeof json.status === 'string') return `${json.status} (HTTP ${status})`;
  } catch {
    // Not JSON: fall through to the status code.
  }
  return `HTTP ${status}`;
}
