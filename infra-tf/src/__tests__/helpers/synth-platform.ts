/**
 * Synthesizes the platform stack for tests: `synthPlatform()` returns the Terraform JSON (parsed,
 * plus the raw string for cdktf's matchers); `writePlatformStack()` writes it to a directory the
 * terraform CLI can run in.
 */
import { App, Testing } from 'cdktf';
import { getEnvironment, type PlatformConfigInput, resolveConfig } from '../../config/index.ts';
import { PlatformStack } from '../../platform-stack.ts';

export type Json = Record<string, unknown>;
export type Block = Record<string, Json>;

export interface SynthResult {
  raw: string;
  json: { resource: Record<string, Block>; data: Record<string, Block>; output: Block };
  stack: PlatformStack;
}

export function platformConfig(overrides: Partial<PlatformConfigInput> = {}) {
  return resolveConfig({
    ...getEnvironment('dev'),
    ...overrides,
    environment: overrides.environment ?? 'dev',
  });
}

export function synthPlatform(overrides: Partial<PlatformConfigInput> = {}): SynthResult {
  const app = Testing.app();
  const stack = new PlatformStack(app, 'test', platformConfig(overrides));
  const raw = Testing.synth(stack);
  return { raw, json: JSON.parse(raw), stack };
}

/** Writes the stack as cdktf.out/stacks/<id>/cdk.tf.json under `outdir`; returns the stack directory. */
export function writePlatformStack(outdir: string, overrides: Partial<PlatformConfigInput> = {}): string {
  const app = new App({ outdir, skipValidation: false });
  const config = platformConfig(overrides);
  new PlatformStack(app, config.namePrefix, config);
  app.synth();
  return `${outdir}/stacks/${config.namePrefix}`;
}

/** Resources of one type, keyed by their Terraform name. */
export function resourcesOf(result: SynthResult, type: string): [string, Json][] {
  return Object.entries(result.json.resource[type] ?? {});
}

/** The one resource of `type` whose `key` property equals `value`. */
export function findResource(result: SynthResult, type: string, key: string, value: unknown): [string, Json] {
  const matches = resourcesOf(result, type).filter(([, r]) => r[key] === value);
  if (matches.length !== 1)
    throw new Error(`expected one ${type} with ${key}=${String(value)}, found ${matches.length}`);
  return matches[0]!;
}

/** `${type.name.attr}`, the interpolation cdktf writes for a reference. */
export function ref(type: string, name: string, attr: string): string {
  return `\${${type}.${name}.${attr}}`;
}
