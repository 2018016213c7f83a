import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseFlags, positiveInteger, positiveNumber, runMain, UsageError } from '../cli-args.ts';

describe('parseFlags', () => {
  it('returns the typed values of known flags', () => {
    const { values } = parseFlags({
      args: ['--seconds', '5', '--env', 'A=1', '--env', 'B=2'],
      strict: true,
      options: { seconds: { type: 'string' }, env: { type: 'string', multiple: true } },
    });
    expect(values).toEqual({ seconds: '5', env: ['A=1', 'B=2'] });
  });

  it('turns an unknown flag or a missing value into a UsageError naming it', () => {
    const options = { seconds: { type: 'string' } } as const;
    expect(() => parseFlags({ args: ['--secs', '5'], strict: true, options })).toThrow(UsageError);
    expect(() => parseFlags({ args: ['--secs', '5'], strict: true, options })).toThrow(/--secs/);
    expect(() => parseFlags({ args: ['--seconds'], strict: true, options })).toThrow(/--seconds/);
  });
});

describe('positiveNumber / positiveInteger', () => {
  it('passes numbers above zero through, and undefined when the flag was not given', () => {
    expect(positiveNumber('multiplier', '2.5')).toBe(2.5);
    expect(positiveInteger('images', '16')).toBe(16);
    expect(positiveNumber('multiplier', undefined)).toBeUndefined();
  });

  it.each([
    ['seconds', '0', false, '--seconds must be a positive number, got "0"'],
    ['seconds', '-1', false, '--seconds must be a positive number, got "-1"'],
    ['seconds', 'abc', false, '--seconds must be a positive number, got "abc"'],
    ['seconds', 'Infinity', false, '--seconds must be a positive number, got "Infinity"'],
    ['images', '1.5', true, '--images must be a positive integer, got "1.5"'],
  ])('--%s %s (integer: %s) is a UsageError: %s', (name, raw, integer, message) => {
    const read = () => positiveNumber(name, raw, { integer });
    expect(read).toThrow(UsageError);
    expect(read).toThrow(message);
  });
});

describe('runMain', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const stderr = () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    return lines;
  };

  it('returns what main returns, with the parsed arguments', async () => {
    const main = vi.fn(async (n: number) => n + 1);
    expect(await runMain('tool', ['41'], (argv) => Number(argv[0]), main)).toBe(42);
    expect(main).toHaveBeenCalledWith(41);
  });

  it('on a UsageError prints "<name>: <message>" and returns 2 without running main', async () => {
    const lines = stderr();
    const main = vi.fn(async () => 0);
    const code = await runMain(
      'tool',
      [],
      () => {
        throw new UsageError('--x must be a positive integer, got "y"');
      },
      main,
    );
    expect(code).toBe(2);
    expect(main).not.toHaveBeenCalled();
    expect(lines.join('')).toBe('tool: --x must be a positive integer, got "y"\n');
  });

  it('when main throws, prints "<name>:" with the stack and returns 1', async () => {
    const lines = stderr();
    const code = await runMain(
      'tool',
      [],
      () => null,
      async () => {
        throw new Error('platform did not start');
      },
    );
    expect(code).toBe(1);
    expect(lines.join('')).toMatch(/^tool: Error: platform did not start\n\s+at /);
  });

  it('a parse error that is not a UsageError is a bug: it propagates', async () => {
    await expect(
      runMain(
        'tool',
        [],
        () => {
          throw new TypeError('boom');
        },
        async () => 0,
      ),
    ).rejects.toThrow('boom');
  });
});
