/**
 * Bounded work: at most `maxConcurrent` jobs run, at most `maxQueue` wait (FIFO) for at most
 * `queueTimeoutMs`; anything beyond is refused with 503 OVERLOADED at once. An admitted job is
 * never dropped: it runs to completion even during shutdown (`drain()` waits for it).
 */
import { apiError } from './errors.ts';

export interface AdmissionOptions {
  maxConcurrent: number;
  maxQueue: number;
  queueTimeoutMs: number;
  onChange?: (state: { running: number; queued: number }) => void;
  onReject?: (reason: 'queue-full' | 'queue-timeout') => void;
}

interface Waiter {
  start: () => void;
  timer: NodeJS.Timeout;
}

export class AdmissionController {
  private running = 0;
  private readonly queue: Waiter[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: AdmissionOptions) {}

  get state() {
    return { running: this.running, queued: this.queue.length };
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.options.maxConcurrent) await this.waitForSlot();
    else this.running++;
    this.changed();
    try {
      return await job();
    } finally {
      this.release();
    }
  }

  /**
   * Throws the same 503 OVERLOADED that `run` would when a job arriving now could neither run nor
   * wait. Routes call it before reading the request body, so a refusal under overload costs no
   * upload (a 150 KB photo read for nothing per shed request). Requests still reading their
   * body are not in the queue yet; `run` checks again when they get there.
   */
  refuseWhenFull(): void {
    if (this.running >= this.options.maxConcurrent && this.queue.length >= this.options.maxQueue) {
      throw this.queueFull();
    }
  }

  /** Resolves once nothing runs and nothing waits. */
  drain(): Promise<void> {
    if (this.running === 0 && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private waitForSlot(): Promise<void> {
    if (this.queue.length >= this.options.maxQueue) return Promise.reject(this.queueFull());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        // The slot is handed over by release(): `running` stays counted.
        start: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(() => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          this.changed();
          this.options.onReject?.('queue-timeout');
          reject(
            apiError(
              'OVERLOADED',
              `waited ${this.options.queueTimeoutMs} ms for an inference slot; retry later`,
            ),
          );
          this.notifyIdle();
        }, this.options.queueTimeoutMs),
      };
      this.queue.push(waiter);
      this.changed();
    });
  }

  private queueFull() {
    this.options.onReject?.('queue-full');
    return apiError(
      'OVERLOADED',
      `server busy: ${this.running} running, ${this.queue.length} queued; retry later`,
    );
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next.start();
    else this.running--;
    this.changed();
    this.notifyIdle();
  }

  private notifyIdle(): void {
    if (this.running === 0 && this.queue.length === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private changed(): void {
    this.options.onChange?.(this.state);
  }
}
