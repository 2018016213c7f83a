/**
 * Typed request options. Values arrive as strings (query string, multipart fields) or as JSON values
 * (JSON body); each parser accepts both and throws INVALID_OPTION naming the option.
 */
import type { z } from 'zod';
import { apiError } from './errors.ts';

export type RawOptions = Record<string, unknown>;
export type OptionParser<T> = (value: unknown, name: string) => T;

function invalid(name: string, why: string): never {
  throw apiError('INVALID_OPTION', `option "${name}" ${why}`);
}

export function numberOption(spec: {
  min: number;
  max: number;
  integer?: boolean;
  default: number;
}): OptionParser<number> {
  return (value, name) => {
    if (value === undefined || value === '') return spec.default;
    const n =
      typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
    if (!Number.isFinite(n)) invalid(name, `must be a number, got ${JSON.stringify(value)}`);
    if (spec.integer && !Number.isInteger(n)) invalid(name, `must be an integer, got ${n}`);
    if (n < spec.min || n > spec.max) invalid(name, `must be between ${spec.min} and ${spec.max}, got ${n}`);
    return n;
  };
}

export function enumOption<const T extends string>(values: readonly T[], fallback: T): OptionParser<T> {
  return (value, name) => {
    if (value === undefined || value === '') return fallback;
    if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as T;
    return invalid(name, `must be one of ${values.join(', ')}, got ${JSON.stringify(value)}`);
  };
}

export function booleanOption(fallback = false): OptionParser<boolean> {
  return (value, name) => {
    if (value === undefined || value === '') return fallback;
    if (typeof value === 'boolean') return value;
    if (value === 1 || value === '1' || value === 'true') return true;
    if (value === 0 || value === '0' || value === 'false') return false;
    return invalid(name, `must be 1/0 or true/false, got ${JSON.stringify(value)}`);
  };
}

/** A list given as a JSON array or as comma-separated text. */
export function listOption(): OptionParser<(string | number)[] | undefined> {
  return (value, name) => {
    if (value === undefined || value === '') return undefined;
    if (Array.isArray(value)) {
      if (!value.every((v) => typeof v === 'string' || typeof v === 'number')) {
        invalid(name, 'must be a list of numbers or names');
      }
      return value as (string | number)[];
    }
    if (typeof value === 'number') return [value];
    if (typeof value !== 'string') return invalid(name, 'must be a list');
    const text = value.trim();
    if (text.startsWith('[')) return listOption()(parseJson(text, name), name);
    return text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  };
}

/** A structured option: JSON text (query/multipart) or a JSON value, validated by a zod schema. */
export function jsonOption<S extends z.ZodTypeAny>(schema: S): OptionParser<z.output<S> | undefined> {
  return (value, name) => {
    if (value === undefined || value === '') return undefined;
    const parsed = typeof value === 'string' ? parseJson(value, name) : value;
    const result = schema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      invalid(name, `is invalid${issue ? ` at ${issue.path.join('.') || '(root)'}: ${issue.message}` : ''}`);
    }
    return result.data;
  };
}

function parseJson(text: string, name: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return invalid(name, 'is not valid JSON');
  }
}

export type OptionSpec = Record<string, OptionParser<unknown>>;
export type OptionsOf<S extends OptionSpec> = { [K in keyof S]: ReturnType<S[K]> };

/** Parses the known options; unknown keys are ignored. */
export function parseOptions<S extends OptionSpec>(spec: S, raw: RawOptions): OptionsOf<S> {
  const out: Record<string, unknown> = {};
  for (const [name, parse] of Object.entries(spec)) {
    out[name] = parse(raw[name], name);
  }
  return out as OptionsOf<S>;
}
