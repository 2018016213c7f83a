/**
 * Configuration from the environment, validated once at start. Each key names its env var, its zod
 * schema (type + default) and what it means; `loadConfig` reports every bad key at once.
 * Services add their own keys next to `commonConfigKeys(...)`.
 */
import type { ServiceDefinition } from '@mlip/catalogue';
import { z } from 'zod';
import { EXECUTION_PROVIDERS, GRAPH_OPTIMIZATION_LEVELS, type OnnxSessionConfig } from './onnx-session.ts';
import { isAddressOrCidr } from './url-fetcher.ts';

export interface ConfigKey<S extends z.ZodTypeAny = z.ZodTypeAny> {
  readonly env: string;
  readonly schema: S;
  readonly doc: string;
}

export type ConfigKeys = Record<string, ConfigKey>;
export type ConfigOf<K extends ConfigKeys> = { [P in keyof K]: z.output<K[P]['schema']> };

export function configKey<S extends z.ZodTypeAny>(env: string, schema: S, doc: string): ConfigKey<S> {
  return { env, schema, doc };
}

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const hostList = z
  .string()
  .transform((raw) =>
    raw
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter((h) => h.length > 0),
  )
  .pipe(
    z.array(
      z.string().regex(/^(\*\.)?[a-z0-9.-]+$/, 'hosts must be plain host names, e.g. images.example.com'),
    ),
  );

const addressList = z
  .string()
  .transform((raw) =>
    raw
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a.length > 0),
  )
  .pipe(
    z.array(z.string().refine(isAddressOrCidr, 'entries must be IP addresses or CIDRs, e.g. 10.20.0.0/16')),
  );

/** Keys every inference service has; defaults that depend on the service come from the catalogue. */
export function commonConfigKeys(service: ServiceDefinition) {
  return {
    port: configKey('PORT', int(0, 65535).default(service.port), 'TCP port to listen on (0 = any free port)'),
    host: configKey('HOST', z.string().min(1).default('0.0.0.0'), 'Interface to bind'),
    modelPath: configKey(
      'MODEL_PATH',
      z.string().min(1).optional(),
      'Model file; when unset the default model file is taken from MODELS_DIR',
    ),
    modelsDir: configKey(
      'MODELS_DIR',
      z.string().min(1).optional(),
      'Directory holding the model files (default: <repo>/models, then ../shared/models)',
    ),
    logLevel: configKey(
      'LOG_LEVEL',
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      'pino log level',
    ),
    maxConcurrency: configKey('MAX_CONCURRENCY', int(1, 64).default(1), 'Inferences run at the same time'),
    maxQueue: configKey('MAX_QUEUE', int(0, 10_000).default(16), 'Requests waiting for an inference slot'),
    queueTimeoutMs: configKey(
      'QUEUE_TIMEOUT_MS',
      int(1, 600_000).default(10_000),
      'Longest wait in the queue before 503 OVERLOADED',
    ),
    bodyLimitBytes: configKey(
      'BODY_LIMIT_BYTES',
      int(1, 1 << 30).default(10 * 1024 * 1024),
      'Largest request body',
    ),
    maxPixels: configKey(
      'MAX_PIXELS',
      int(1, 1_000_000_000).default(40_000_000),
      'Largest image (width x height)',
    ),
    requestTimeoutMs: configKey(
      'REQUEST_TIMEOUT_MS',
      int(100, 600_000).default(30_000),
      'Time allowed to receive a request body (408 after)',
    ),
    urlAllowlist: configKey(
      'URL_ALLOWLIST',
      hostList.default(''),
      'Comma-separated hosts allowed for imageUrl/coco_url (`*.example.com` for subdomains); empty = URL input off',
    ),
    urlTrustedAddresses: configKey(
      'URL_TRUSTED_ADDRESSES',
      addressList.default(''),
      'Comma-separated non-public IPs/CIDRs that imageUrl may still reach (an image host inside the VPC); never the metadata address; empty = public addresses only',
    ),
    urlMaxBytes: configKey(
      'URL_MAX_BYTES',
      int(1, 1 << 30).default(10 * 1024 * 1024),
      'Largest remote image',
    ),
    urlTimeoutMs: configKey(
      'URL_TIMEOUT_MS',
      int(100, 120_000).default(5_000),
      'Time limit of a remote fetch',
    ),
    shutdownDeadlineMs: configKey(
      'SHUTDOWN_DEADLINE_MS',
      int(100, 600_000).default(25_000),
      'Drain deadline after SIGTERM (below the 30 s ECS stop timeout)',
    ),
    ortIntraOpThreads: configKey(
      'ORT_INTRA_OP_THREADS',
      int(0, 256).default(0),
      'ONNX Runtime intra-op threads (0 = number of CPU cores)',
    ),
    ortAllowSpinning: configKey(
      'ORT_ALLOW_SPINNING',
      z
        .enum(['0', '1'])
        .default('0')
        .transform((v) => v === '1'),
      'Let idle ONNX Runtime threads busy-wait (1) or sleep (0, better on shared or small CPUs)',
    ),
    ortWorkerThread: configKey(
      'ORT_WORKER_THREAD',
      z
        .enum(['0', '1'])
        .default('1')
        .transform((v) => v === '1'),
      'Run the model in a worker thread (1) so inference never blocks the event loop, or on the main thread (0)',
    ),
    ortInterOpThreads: configKey(
      'ORT_INTER_OP_THREADS',
      int(1, 256).default(1),
      'ONNX Runtime inter-op threads',
    ),
    ortGraphOptLevel: configKey(
      'ORT_GRAPH_OPT_LEVEL',
      z.enum(GRAPH_OPTIMIZATION_LEVELS).default('all'),
      'ONNX Runtime graph optimisation level',
    ),
    ortExecutionProvider: configKey(
      'ORT_EXECUTION_PROVIDER',
      z.enum(Object.keys(EXECUTION_PROVIDERS) as [keyof typeof EXECUTION_PROVIDERS]).default('cpu'),
      `Device (${Object.keys(EXECUTION_PROVIDERS).join(', ')})`,
    ),
  };
}

export type CommonConfigKeys = ReturnType<typeof commonConfigKeys>;
export type CommonConfig = ConfigOf<CommonConfigKeys>;

/** ONNX Runtime session settings from the common ORT_* keys. */
export function onnxSessionConfig(config: CommonConfig): OnnxSessionConfig {
  return {
    intraOpThreads: config.ortIntraOpThreads,
    interOpThreads: config.ortInterOpThreads,
    graphOptimizationLevel: config.ortGraphOptLevel,
    device: config.ortExecutionProvider,
    allowSpinning: config.ortAllowSpinning,
    workerThread: config.ortWorkerThread,
  };
}

/** Reads and validates every key; throws one ConfigError naming each bad env var. */
export function loadConfig<K extends ConfigKeys>(
  keys: K,
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<ConfigOf<K>> = {},
): ConfigOf<K> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(keys)) {
    if (name in overrides && (overrides as Record<string, unknown>)[name] !== undefined) {
      out[name] = (overrides as Record<string, unknown>)[name];
      continue;
    }
    const raw = env[key.env];
    const result = key.schema.safeParse(raw === '' ? undefined : raw);
    if (result.success) out[name] = result.data;
    else {
      const why = result.error.issues.map((i) => i.message).join('; ');
      problems.push(`${key.env}=${JSON.stringify(raw)}: ${why}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as ConfigOf<K>;
}

/** Rows for a docs table: env var, default, meaning. */
export function describeConfig(keys: ConfigKeys): { env: string; default: string; doc: string }[] {
  return Object.values(keys).map((key) => {
    const parsed = key.schema.safeParse(undefined);
    const value = parsed.success ? parsed.data : undefined;
    return {
      env: key.env,
      default: value === undefined ? '(none)' : Array.isArray(value) ? value.join(',') : String(value),
      doc: key.doc,
    };
  });
}
