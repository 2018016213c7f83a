/**
 * The local platform, programmatically: every service that exists as a supervised child process,
 * behind the local gateway. `npm start` (scripts/platform.ts) uses it, and so do tests (web UI
 * end-to-end, reliability and fault tests):
 *
 *   const platform = await startPlatform({ gatewayPort: 0, services: ['yolo-api'], waitReady: true, quiet: true });
 *   await fetch(`${platform.url}/yoloapi/readyz`);
 *   await platform.stop();
 *
 * With `gatewayPort: 0` every service also gets a free random port (unless `<NAME>_PORT` is set
 * in `env`), so tests never collide with a running `npm start`.
 */
import {
  GATEWAY_DEFAULT_PORT,
  getService,
  localServicePort,
  SERVICE_NAMES,
  type ServiceName,
} from '@mlip/catalogue';
import { createLogger, type Logger } from '../lib/log.ts';
import { type Gateway, startGateway, type Upstream } from './gateway.ts';
import { discoverModel, type ResolvedModel } from './model-discovery.ts';
import { findFreePort, isPortFree } from './ports.ts';
import { type ServiceEntry, serviceEntry } from './service-entry.ts';
import { ServiceProcess, type ServiceProcessStatus } from './service-process.ts';
import { ensureWebappBuild } from './webapp-build.ts';

export interface StartPlatformOptions {
  /** Gateway port; 0 = random (and random service ports too). @default GATEWAY_PORT env, else 8080 */
  gatewayPort?: number;
  /** Gateway listen address. @default '127.0.0.1' */
  host?: string;
  /** Services to run. @default every catalogue service */
  services?: ServiceName[];
  /** Extra environment for the services (and for port/model lookups). */
  env?: Record<string, string>;
  /** Extra environment for one service only (e.g. a small concurrency limit for a fault test). */
  serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  /** First directory searched for models and where the fetcher writes. @default MODELS_DIR, else <repo>/models */
  modelsDir?: string;
  /** Resolve only once every started service answers readyz 200. @default false */
  waitReady?: boolean;
  /** @default 120_000 */
  readyTimeoutMs?: number;
  /** No service output and no progress lines; warnings and errors still print. @default false */
  quiet?: boolean;
  /** Download missing models with the fetcher. @default false (tests never reach the network) */
  fetchMissing?: boolean;
  /** Restart a crashed service with backoff. @default false */
  restart?: boolean;
  /** Build the web UI when webapp/dist is missing or stale. @default true */
  buildWeb?: boolean;
  /** SIGTERM-to-SIGKILL deadline when stopping a service. @default 10_000 */
  stopTimeoutMs?: number;
  /** Gateway's upstream idle timeout (504 after it). @default 120_000 */
  upstreamTimeoutMs?: number;
  /** LOG_LEVEL given to the services. @default 'info', 'warn' when quiet */
  logLevel?: string;
  /** Run another entry file for a service (tests use stand-in services). @default the catalogue's entries */
  entries?: Partial<Record<ServiceName, ServiceEntry>>;
}

export type ServiceState = ServiceProcessStatus['state'] | 'absent' | 'not-selected';

export interface ServiceReport {
  name: ServiceName;
  state: ServiceState;
  ready: boolean;
  reason: string | null;
  port: number;
  pid: number | null;
  restarts: number;
  model: ResolvedModel | null;
}

export interface PlatformStatus {
  gateway: { port: number; url: string };
  services: Record<ServiceName, ServiceReport>;
}

export interface Platform {
  url: string;
  gatewayPort: number;
  servicePorts: Record<ServiceName, number>;
  status(): PlatformStatus;
  stop(): Promise<void>;
  stopService(name: ServiceName): Promise<void>;
  killService(name: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  startService(name: ServiceName): Promise<void>;
  waitReady(name?: ServiceName, timeoutMs?: number): Promise<void>;
}

export class PlatformStartError extends Error {
  override readonly name = 'PlatformStartError';
}

interface Slot {
  name: ServiceName;
  port: number;
  process: ServiceProcess | null;
  /** Why there is no process (absent entry file, not selected, build failed). */
  absentReason: string | null;
  absentState: 'absent' | 'not-selected';
  model: ResolvedModel | null;
}

export async function startPlatform(options: StartPlatformOptions = {}): Promise<Platform> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  const quiet = options.quiet ?? false;
  const log = createLogger('platform', { quiet });
  const selected = new Set(options.services ?? SERVICE_NAMES);
  const gatewayPort = options.gatewayPort ?? gatewayPortFromEnv(env);
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;

  const ports = await assignPorts(env, gatewayPort === 0);
  await assertPortsFree(gatewayPort, ports, selected, options.entries);
  const slots = await prepareSlots(selected, ports, env, options, log);

  const upstreams = {} as Record<ServiceName, Upstream>;
  for (const slot of Object.values(slots)) {
    upstreams[slot.name] = {
      host: '127.0.0.1',
      port: slot.port,
      unavailableReason: slot.absentReason ?? 'not started',
    };
  }
  let gateway: Gateway;
  const status = (): PlatformStatus => ({
    gateway: { port: gateway.port, url: gateway.url },
    services: Object.fromEntries(Object.values(slots).map((slot) => [slot.name, reportFor(slot)])) as Record<
      ServiceName,
      ServiceReport
    >,
  });
  try {
    gateway = await startGateway({
      port: gatewayPort,
      host: options.host,
      upstreams,
      upstreamTimeoutMs: options.upstreamTimeoutMs,
      statusProvider: status,
    });
  } catch (err) {
    throw new PlatformStartError(portErrorMessage(err, gatewayPort, 'the gateway', 'GATEWAY_PORT or --port'));
  }

  for (const slot of Object.values(slots)) {
    slot.process =
      slot.absentReason === null
        ? createProcess(slot, env, options, (r) => gateway.setUpstream(slot.name, { unavailableReason: r }))
        : null;
    slot.process?.start();
  }
  const killAllNow = () => {
    for (const slot of Object.values(slots)) slot.process?.killNow();
  };
  // Children must not outlive the runner, even when it dies on an uncaught error.
  process.on('exit', killAllNow);

  const running = (name: ServiceName): ServiceProcess => {
    const slot = slots[name];
    if (!slot.process) throw new Error(`${name} is not part of this platform: ${slot.absentReason}`);
    return slot.process;
  };
  const waitReady = async (name?: ServiceName, timeoutMs = readyTimeoutMs) => {
    const names = name
      ? [name]
      : Object.values(slots)
          .filter((s) => s.process)
          .map((s) => s.name);
    await Promise.all(names.map((n) => running(n).waitReady(timeoutMs)));
  };

  const platform: Platform = {
    url: `http://127.0.0.1:${gateway.port}`,
    gatewayPort: gateway.port,
    servicePorts: ports,
    status,
    async stop() {
      await Promise.all(Object.values(slots).map((slot) => slot.process?.stop()));
      process.off('exit', killAllNow);
      await gateway.close();
    },
    stopService: (name) => running(name).stop(),
    killService: (name, signal) => running(name).kill(signal),
    async startService(name) {
      running(name).start();
    },
    waitReady,
  };

  if (options.waitReady) {
    try {
      await waitReady();
    } catch (err) {
      await platform.stop();
      throw err;
    }
  }
  return platform;
}

function entryOf(name: ServiceName, entries: StartPlatformOptions['entries']): ServiceEntry {
  return entries?.[name] ?? serviceEntry(name);
}

/** Same key as the catalogue's `localServicePort()` reads. */
function portEnvName(name: ServiceName): string {
  return `${name.toUpperCase().replace(/-/g, '_')}_PORT`;
}

function gatewayPortFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.GATEWAY_PORT;
  if (raw === undefined || raw === '') return GATEWAY_DEFAULT_PORT;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new PlatformStartError(`GATEWAY_PORT must be an integer port (0-65535), got "${raw}"`);
  }
  return port;
}

/** `<NAME>_PORT` when set; else a free port (random mode) or the catalogue port. */
async function assignPorts(env: NodeJS.ProcessEnv, random: boolean): Promise<Record<ServiceName, number>> {
  const ports = {} as Record<ServiceName, number>;
  for (const name of SERVICE_NAMES) {
    const overridden = Boolean(env[portEnvName(name)]);
    const port = random && !overridden ? 0 : localServicePort(getService(name), env);
    ports[name] = port === 0 ? await findFreePort() : port;
  }
  return ports;
}

async function assertPortsFree(
  gatewayPort: number,
  ports: Record<ServiceName, number>,
  selected: Set<ServiceName>,
  entries: StartPlatformOptions['entries'],
): Promise<void> {
  const problems: string[] = [];
  if (gatewayPort !== 0 && !(await isPortFree(gatewayPort))) {
    problems.push(`gateway port ${gatewayPort} is in use; set GATEWAY_PORT or --port`);
  }
  for (const name of selected) {
    if (!entryOf(name, entries).present) continue;
    if (!(await isPortFree(ports[name]))) {
      problems.push(`${name} port ${ports[name]} is in use; set ${portEnvName(name)} to another port`);
    }
  }
  if (problems.length > 0) {
    throw new PlatformStartError(
      `${problems.join('\n')}\n(is another \`npm start\` still running? \`lsof -i :<port>\` shows who holds a port)`,
    );
  }
}

async function prepareSlots(
  selected: Set<ServiceName>,
  ports: Record<ServiceName, number>,
  env: NodeJS.ProcessEnv,
  options: StartPlatformOptions,
  log: Logger,
): Promise<Record<ServiceName, Slot>> {
  const slots = {} as Record<ServiceName, Slot>;
  await Promise.all(
    SERVICE_NAMES.map(async (name) => {
      const slot: Slot = {
        name,
        port: ports[name],
        process: null,
        absentReason: null,
        absentState: 'absent',
        model: null,
      };
      slots[name] = slot;
      const entry = entryOf(name, options.entries);
      if (!selected.has(name)) {
        slot.absentReason = 'not started (left out with --only/--no-web)';
        slot.absentState = 'not-selected';
      } else if (!entry.present) {
        slot.absentReason = `${entry.relative} not present yet`;
        log.warn(`${name}: ${entry.relative} not present yet; skipping it`);
      } else if (getService(name).kind === 'api') {
        slot.model =
          (await discoverModel(name, {
            env,
            modelsDir: options.modelsDir,
            fetchMissing: options.fetchMissing ?? false,
            log,
          })) ?? null;
        if (slot.model?.warning) log.warn(`${name}: ${slot.model.warning}`);
        if (slot.model && !slot.model.warning)
          log.info(`${name}: model ${slot.model.path} (${slot.model.origin})`);
      } else if (options.buildWeb !== false) {
        slot.absentReason = await ensureWebappBuild(env, log, options.quiet ?? false);
      }
    }),
  );
  return slots;
}

function createProcess(
  slot: Slot,
  env: NodeJS.ProcessEnv,
  options: StartPlatformOptions,
  onAvailability: (reason: string | null) => void,
): ServiceProcess {
  const childEnv: NodeJS.ProcessEnv = {
    // The catalogue's runtime settings, as in the image; a variable the user set wins.
    ...getService(slot.name).runtimeEnv,
    ...env,
    ...options.serviceEnv?.[slot.name],
    PORT: String(slot.port),
    HOST: '127.0.0.1',
    LOG_LEVEL: options.logLevel ?? env.LOG_LEVEL ?? (options.quiet ? 'warn' : 'info'),
  };
  if (slot.model) childEnv.MODEL_PATH = slot.model.path;
  return new ServiceProcess({
    name: slot.name,
    entry: entryOf(slot.name, options.entries),
    port: slot.port,
    env: childEnv,
    quiet: options.quiet ?? false,
    restart: options.restart ?? false,
    stopTimeoutMs: options.stopTimeoutMs ?? 10_000,
    onAvailability,
  });
}

function reportFor(slot: Slot): ServiceReport {
  const base = { name: slot.name, port: slot.port, model: slot.model };
  if (!slot.process) {
    return {
      ...base,
      state: slot.absentState,
      ready: false,
      reason: slot.absentReason,
      pid: null,
      restarts: 0,
    };
  }
  return { ...base, ...slot.process.status() };
}

function portErrorMessage(err: unknown, port: number, what: string, how: string): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return `port ${port} for ${what} is in use; set ${how} (another \`npm start\` running?)`;
  if (code === 'EACCES')
    return `no permission to listen on port ${port} for ${what}; set ${how} to a port above 1023`;
  return `${what} could not listen on port ${port}: ${err instanceof Error ? err.message : String(err)}`;
}
