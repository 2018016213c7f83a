/** Command-line options of `pnpm loadgen`, parsed and validated into a typed object. */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ARTIFACTS_DIR, GATEWAY_DEFAULT_PORT } from '@mlip/catalogue';
import { positiveNumber, UsageError } from '../lib/cli-args.ts';
import { LOAD_APIS, type LoadApi } from './request-record.ts';
import type { LoadSchedule } from './run-load.ts';
import { isTrafficMode, TRAFFIC_MODE_NAMES } from './traffic-modes.ts';

export { UsageError } from '../lib/cli-args.ts';

export interface LoadArgs {
  url: string;
  api: LoadApi;
  schedule: LoadSchedule;
  limit: number;
  durationSeconds: number;
  timeoutMs: number;
  imageDirs: string[] | null;
  manifest: string | null;
  outDir: string;
  csv: boolean;
  seed: number;
  quietProgress: boolean;
  help: boolean;
}

export const DEFAULT_LIMIT = 200;
export const DEFAULT_DURATION_SECONDS = 300;
const MAX_IN_FLIGHT = 256;

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

export function parseLoadArgs(argv: string[]): LoadArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument: ${parsed.positionals[0]}`);

  const api = v.api ?? 'detect';
  if (!(LOAD_APIS as readonly string[]).includes(api)) {
    throw new UsageError(`--api must be one of ${LOAD_APIS.join(', ')}, got "${api}"`);
  }
  const mode = v.mode ?? 'sustained';
  if (!isTrafficMode(mode))
    throw new UsageError(`--mode must be one of ${TRAFFIC_MODE_NAMES.join(', ')}, got "${mode}"`);

  const rps = positiveNumber('rps', v.rps);
  const concurrency = positiveNumber('concurrency', v.concurrency, { integer: true });
  const users = positiveNumber('users', v.users, { integer: true });
  const chosen = [
    rps && '--rps',
    concurrency && '--concurrency',
    (v.mode || users) && '--mode/--users',
  ].filter(Boolean);
  if (chosen.length > 1) throw new UsageError(`choose one way to pace requests: ${chosen.join(' or ')}`);
  let schedule: LoadSchedule;
  if (rps) schedule = { kind: 'rps', rps, maxInFlight: MAX_IN_FLIGHT };
  else if (concurrency) schedule = { kind: 'concurrency', concurrency };
  else schedule = { kind: 'users', mode, users: users ?? 1 };

  if (v.images && v.manifest) throw new UsageError('--images and --manifest are exclusive');
  let url: URL;
  try {
    url = new URL(v.url ?? `http://localhost:${GATEWAY_DEFAULT_PORT}`);
  } catch {
    throw new UsageError(`--url is not a URL: "${v.url}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('--url must be http(s)');
  const seed = v.seed === undefined ? Date.now() % 2 ** 31 : Number(v.seed);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, got "${v.seed}"`);

  return {
    url: url.toString(),
    api: api as LoadApi,
    schedule,
    limit: positiveNumber('limit', v.limit, { integer: true }) ?? DEFAULT_LIMIT,
    durationSeconds: positiveNumber('duration', v.duration) ?? DEFAULT_DURATION_SECONDS,
    timeoutMs: (positiveNumber('timeout', v.timeout) ?? 30) * 1000,
    imageDirs: v.images ?? null,
    manifest: v.manifest ?? null,
    outDir: v.out ?? join(ARTIFACTS_DIR, 'loadgen', timestamp()),
    csv: v.csv ?? false,
    seed,
    quietProgress: v['no-progress'] ?? false,
    help: v.help ?? false,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      api: { type: 'string' },
      mode: { type: 'string' },
      rps: { type: 'string' },
      concurrency: { type: 'string' },
      users: { type: 'string' },
      limit: { type: 'string' },
      duration: { type: 'string' },
      timeout: { type: 'string' },
      images: { type: 'string', multiple: true },
      manifest: { type: 'string' },
      out: { type: 'string' },
      csv: { type: 'boolean' },
      seed: { type: 'string' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
