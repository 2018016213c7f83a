/**
 * Reading the deployed stack's outputs (platform URL, CodeBuild project) with `terraform output`
 * in the stack directory `cdktf synth` writes. Outputs are found by pattern, so a renamed
 * output still resolves, and a missing one fails with the list of what exists.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@mlip/catalogue';
import { capture } from './exec.ts';

export const SYNTH_STACKS_DIR = join(REPO_ROOT, 'infra-tf', 'cdktf.out', 'stacks');

/** The synthesized stack directory for an environment: --stack-dir, else the one whose name holds `env`. */
export function findStackDir(env: string, explicit?: string): string {
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`stack directory ${explicit} does not exist`);
    return explicit;
  }
  if (!existsSync(SYNTH_STACKS_DIR)) {
    throw new Error(
      `${SYNTH_STACKS_DIR} does not exist: run \`pnpm run deploy --env ${env}\` (or \`pnpm synth\`) first`,
    );
  }
  const stacks = readdirSync(SYNTH_STACKS_DIR);
  const matches = stacks.filter((s) => s === env || s.endsWith(`-${env}`) || s.includes(env));
  if (matches.length === 1) return join(SYNTH_STACKS_DIR, matches[0]!);
  if (matches.length === 0 && stacks.length === 1) return join(SYNTH_STACKS_DIR, stacks[0]!);
  throw new Error(
    `cannot tell which stack is environment "${env}" among: ${stacks.join(', ') || 'none'} (pass --stack-dir)`,
  );
}

type Outputs = Record<string, { value: unknown }>;

export function readOutputs(stackDir: string): Record<string, unknown> {
  const raw = capture('terraform', [`-chdir=${stackDir}`, 'output', '-json']);
  const outputs = JSON.parse(raw || '{}') as Outputs;
  return Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value]));
}

/** The first output whose name matches one of the patterns, in pattern order. */
export function pickOutput(outputs: Record<string, unknown>, patterns: RegExp[], what: string): string {
  for (const pattern of patterns) {
    for (const [name, value] of Object.entries(outputs)) {
      if (pattern.test(name) && typeof value === 'string' && value !== '') return value;
    }
  }
  throw new Error(`no ${what} among the stack outputs (${Object.keys(outputs).join(', ') || 'none'})`);
}

export const PLATFORM_URL_OUTPUT = [
  /^platform_?url$/i,
  /platform.*url/i,
  /^(alb|load_?balancer).*url$/i,
  /^url$/i,
];
export const CODEBUILD_PROJECT_OUTPUT = [
  /codebuild.*project.*name/i,
  /codebuild.*project/i,
  /build.*project/i,
];

const normalize = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * `<SVC>_ECR_URI` values from the stack outputs: either one map output (name mentions ecr or
 * repositor[y|ies]) keyed by service name, or one string output per service whose name
 * mentions ecr and the service.
 */
export function ecrUrisFromOutputs(
  outputs: Record<string, unknown>,
  services: readonly string[],
): Record<string, string> {
  const found: Record<string, string> = {};
  for (const service of services) {
    for (const [name, value] of Object.entries(outputs)) {
      if (!/ecr|repositor/i.test(name)) continue;
      if (typeof value === 'string' && normalize(name).includes(normalize(service))) found[service] = value;
      if (value && typeof value === 'object') {
        const entry = Object.entries(value as Record<string, unknown>).find(
          ([k]) => normalize(k) === normalize(service),
        );
        if (entry && typeof entry[1] === 'string') found[service] = entry[1];
      }
    }
  }
  return found;
}
