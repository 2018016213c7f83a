import { afterEach, describe, expect, it } from 'vitest';
import { onStopSignals, STOP_SIGNAL_REPEAT_WINDOW_MS } from '../stop-signals.ts';

// The listeners are called through process.emit with a signal no one else here listens to, so
// the test process itself is never signalled.
const SIGNAL = 'SIGUSR2' as const;

describe('onStopSignals', () => {
  let remove: (() => void) | undefined;
  afterEach(() => {
    remove?.();
  });

  function install() {
    const calls: string[] = [];
    let clock = 0;
    remove = onStopSignals(
      { first: (s) => calls.push(`first ${s}`), again: (s) => calls.push(`again ${s}`) },
      { signals: [SIGNAL], now: () => clock },
    );
    const advance = (ms: number) => {
      clock += ms;
    };
    return { calls, advance };
  }

  it('the first signal starts the graceful stop', () => {
    const { calls } = install();
    process.emit(SIGNAL, SIGNAL);
    expect(calls).toEqual([`first ${SIGNAL}`]);
  });

  it('repeats within the window (one Ctrl-C passed on by npm, bootstrap and tsx) are the same stop', () => {
    const { calls, advance } = install();
    process.emit(SIGNAL, SIGNAL);
    advance(3);
    process.emit(SIGNAL, SIGNAL);
    advance(STOP_SIGNAL_REPEAT_WINDOW_MS - 10);
    process.emit(SIGNAL, SIGNAL);
    expect(calls).toEqual([`first ${SIGNAL}`]);
  });

  it('a signal after the window (a person pressing Ctrl-C again) stops at once', () => {
    const { calls, advance } = install();
    process.emit(SIGNAL, SIGNAL);
    advance(STOP_SIGNAL_REPEAT_WINDOW_MS);
    process.emit(SIGNAL, SIGNAL);
    expect(calls).toEqual([`first ${SIGNAL}`, `again ${SIGNAL}`]);
  });

  it('the returned function removes the listeners', () => {
    const before = process.listenerCount(SIGNAL);
    const { calls } = install();
    expect(process.listenerCount(SIGNAL)).toBe(before + 1);
    remove!();
    remove = undefined;
    expect(process.listenerCount(SIGNAL)).toBe(before);
    expect(calls).toEqual([]);
  });
});
