/**
 * One supervised service child: spawn, prefix its output with its name, follow its readiness,
 * report a crash with its last output lines (and optionally restart it with backoff), stop it
 * gracefully (SIGTERM, then SIGKILL after a deadline).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { getService, type ServiceName } from '@mlip/catalogue';
import { type Color, createLogger, type Logger, paint } from '../lib/log.ts';
import { formatLogLine } from './format-log-line.ts';
import { probeReadiness } from './readiness.ts';
import { nodeArgs, type ServiceEntry } from './service-entry.ts';

export type ProcessState = 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed';

export interface ServiceProcessOptions {
  name: ServiceName;
  entry: ServiceEntry;
  port: number;
  /** Complete environment of the child. */
  env: NodeJS.ProcessEnv;
  quiet: boolean;
  restart: boolean;
  stopTimeoutMs: number;
  /** Called whenever the gateway should change its view: null = proxy to it, else why not. */
  onAvailability: (unavailableReason: string | null) => void;
}

export interface ServiceProcessStatus {
  state: ProcessState;
  ready: boolean;
  reason: string | null;
  pid: number | null;
  restarts: number;
}

const COLORS: Record<ServiceName, Color> = { 'yolo-api': 'magenta', 'depth-api': 'blue', webapp: 'green' };
const TAIL_LINES = 30;
const FAST_POLL_MS = 250;
/** Once ready, a readiness check now and then; a crash is seen at once through the exit event. */
const SLOW_POLL_MS = 5000;

export class ServiceProcess {
  private child: ChildProcess | undefined;
  private state: ProcessState = 'stopped';
  private ready = false;
  private reason: string | null = 'not started';
  private restarts = 0;
  private crashesInARow = 0;
  private startedAt = 0;
  private expectedExit = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private readonly tail: string[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly log: Logger;
  private readonly tag: string;
  private readonly probePaths: ReadonlySet<string>;

  constructor(private readonly options: ServiceProcessOptions) {
    this.log = createLogger(options.name, { quiet: options.quiet, color: COLORS[options.name] });
    this.tag = paint(COLORS[options.name], options.name.padEnd(9));
    const service = getService(options.name);
    this.probePaths = new Set([service.healthPath, service.livenessPath]);
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  status(): ServiceProcessStatus {
    return {
      state: this.state,
      ready: this.ready,
      reason: this.reason,
      pid: this.pid,
      restarts: this.restarts,
    };
  }

  start(): void {
    if (this.state === 'starting' || this.state === 'running') return;
    clearTimeout(this.restartTimer);
    this.expectedExit = false;
    this.ready = false;
    this.startedAt = Date.now();
    const child = spawn(process.execPath, nodeArgs(this.options.entry), {
      cwd: this.options.entry.cwd,
      env: this.options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.setState('starting', `starting (pid ${child.pid})`);
    this.pipeLines(child.stdout!);
    this.pipeLines(child.stderr!);
    child.once('error', (err) => this.onExit(child, null, null, err));
    child.once('exit', (code, signal) => this.onExit(child, code, signal));
    this.schedulePoll(FAST_POLL_MS);
  }

  /** Graceful stop: SIGTERM, wait for exit, SIGKILL once `stopTimeoutMs` has passed. */
  async stop(): Promise<void> {
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.setState('stopped', 'stopped');
      return;
    }
    this.expectedExit = true;
    this.setState('stopping', 'stopping');
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const deadline = setTimeout(() => {
      this.log.warn(`did not exit within ${this.options.stopTimeoutMs} ms of SIGTERM; sending SIGKILL`);
      child.kill('SIGKILL');
    }, this.options.stopTimeoutMs);
    await exited;
    clearTimeout(deadline);
  }

  /** Sends a signal (a fault, not a stop: restart policy applies) and waits for the exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    // Deliberate (fault tests): reported in status, not shouted on stderr.
    this.expectedExit = true;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }

  /** Last resort on process exit: synchronous, no waiting. */
  killNow(): void {
    clearTimeout(this.pollTimer);
    clearTimeout(this.restartTimer);
    if (this.child && this.child.exitCode === null && this.child.signalCode === null)
      this.child.kill('SIGKILL');
  }

  /** Resolves once readyz answers 200; rejects when the process ends first or on timeout. */
  waitReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(`${this.options.name} not ready after ${timeoutMs} ms: ${this.reason ?? this.state}`),
        );
      }, timeoutMs);
      const check = () => {
        if (this.ready) {
          done();
          resolve();
        } else if ((this.state === 'crashed' && !this.restartTimer) || this.state === 'stopped') {
          done();
          reject(new Error(`${this.options.name} ${this.reason}${this.tailText()}`));
        }
      };
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      this.schedulePoll(0);
      check();
    });
  }

  private onExit(
    child: ChildProcess,
    code: number | null,
    signal: NodeJS.Signals | null,
    error?: Error,
  ): void {
    if (child !== this.child || this.state === 'stopped' || this.state === 'crashed') return;
    clearTimeout(this.pollTimer);
    this.ready = false;
    if (this.state === 'stopping') {
      this.setState('stopped', 'stopped');
      return;
    }
    const how = error
      ? `could not start: ${error.message}`
      : signal
        ? `killed by ${signal}`
        : `exited with code ${code}`;
    if (Date.now() - this.startedAt > 60_000) this.crashesInARow = 0;
    this.crashesInARow += 1;
    if (this.options.restart) {
      const delay = Math.min(30_000, 1000 * 2 ** (this.crashesInARow - 1));
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        this.restarts += 1;
        this.start();
      }, delay);
      this.restartTimer.unref();
      this.setState('crashed', `crashed (${how}); restarting in ${delay / 1000} s`);
    } else {
      this.setState('crashed', `crashed (${how})`);
    }
    if (!this.expectedExit) this.log.error(`${this.reason}${this.tailText()}`);
  }

  private schedulePoll(delayMs: number): void {
    clearTimeout(this.pollTimer);
    if (this.state !== 'starting' && this.state !== 'running') return;
    this.pollTimer = setTimeout(() => void this.poll(), delayMs);
    this.pollTimer.unref();
  }

  private async poll(): Promise<void> {
    const child = this.child;
    const probe = await probeReadiness(this.options.port, getService(this.options.name).healthPath);
    if (child !== this.child || (this.state !== 'starting' && this.state !== 'running')) return;
    const wasReady = this.ready;
    if (probe.kind === 'down') {
      this.ready = false;
      if (this.state === 'running') this.reason = `not answering (${probe.reason})`;
    } else {
      this.ready = probe.kind === 'ready';
      const reason = probe.kind === 'ready' ? null : probe.reason;
      if (this.state === 'starting') this.setState('running', reason);
      else this.reason = reason;
    }
    if (this.ready !== wasReady) {
      if (this.ready) this.log.info(`ready in ${((Date.now() - this.startedAt) / 1000).toFixed(1)} s`);
      else this.log.warn(`not ready: ${this.reason}`);
    }
    this.notify();
    const anyoneWaiting = this.listeners.size > 0;
    this.schedulePoll(
      this.ready || (!anyoneWaiting && this.state === 'running') ? SLOW_POLL_MS : FAST_POLL_MS,
    );
  }

  private setState(state: ProcessState, reason: string | null): void {
    this.state = state;
    this.reason = reason;
    this.options.onAvailability(state === 'running' ? null : (reason ?? state));
    this.notify();
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private pipeLines(stream: NodeJS.ReadableStream): void {
    const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('line', (line) => {
      this.tail.push(line);
      if (this.tail.length > TAIL_LINES) this.tail.shift();
      if (this.options.quiet) return;
      const text = formatLogLine(line, this.probePaths);
      if (text !== null) process.stdout.write(`${this.tag} ${text}\n`);
    });
  }

  private tailText(): string {
    if (this.tail.length === 0) return '';
    return `\n  last output of ${this.options.name}:\n${this.tail.map((l) => `    ${l}`).join('\n')}`;
  }
}
