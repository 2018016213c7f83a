/**
 * Reading and dropping the unread rest of a request body before (or while) answering it.
 *
 * Closing a socket with request bytes still unread makes the kernel answer with a TCP RST, which
 * can destroy the response before the client reads it (behind the ALB or the local gateway the
 * client then sees a 502). nginx's "lingering close" solves the same problem. Used for an early
 * 413 (image-input) and for requests refused while the service drains (web-server).
 */
import type { IncomingMessage } from 'node:http';

export interface DiscardBodyOptions {
  /** Stop reading after this many bytes. */
  maxBytes: number;
  /** Stop reading after this long. */
  timeoutMs: number;
  /** Destroy the socket when a limit is hit (else only stop listening). @default false */
  destroyOnLimit?: boolean;
}

/** Resolves once the body has ended, errored, or a limit was hit. */
export function discardBody(req: IncomingMessage, options: DiscardBodyOptions): Promise<void> {
  if (req.complete || req.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    let received = 0;
    const finish = () => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', finish);
      req.off('error', finish);
      req.off('close', finish);
      resolve();
    };
    const giveUp = () => {
      finish();
      if (options.destroyOnLimit) req.socket.destroy();
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > options.maxBytes) giveUp();
    };
    const timer = setTimeout(giveUp, options.timeoutMs);
    req.on('data', onData);
    req.once('end', finish);
    req.once('error', finish);
    req.once('close', finish);
    req.resume();
  });
}
