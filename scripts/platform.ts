/**
 * The local platform (`npm start` lands here): every service that exists as a child process, plus
 * the local gateway on one port that routes like the AWS load balancer.
 *
 * Usage:
 *   pnpm platform [--port N] [--only yolo-api,depth-api] [--no-web] [--models-dir DIR]
 *                 [--no-fetch] [--no-restart] [--host ADDR]
 *
 * Examples:
 *   npm start                            # everything, gateway on http://localhost:8080
 *   npm start -- --port 9090 --no-web    # APIs only, gateway on 9090
 *   pnpm platform --only yolo-api        # just the detector behind the gateway
 *
 * Environment: GATEWAY_PORT, <SERVICE>_PORT (YOLO_API_PORT, DEPTH_API_PORT, WEBAPP_PORT),
 * MODELS_DIR, SHARED_DIR, <SERVICE>_MODEL_PATH, LOG_LEVEL. See docs/local-platform.md.
 *
 * Exit codes: 0 stopped by Ctrl-C/SIGTERM, 1 could not start, 2 bad arguments, 130 second Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { SERVICE_NAMES, type ServiceName } from '@mlip/catalogue';
// The subpath, not the package entry: the runner must not load express, sharp and ONNX Runtime.
import { onStopSignals } from '@mlip/service-kit/stop-signals';
import { createLogger } from './lib/log.ts';
import { formatSummary } from './platform/print-summary.ts';
import { type Platform, PlatformStartError, startPlatform } from './platform/start-platform.ts';

interface Args {
  port: number | undefined;
  host: string | undefined;
  only: ServiceName[] | undefined;
  noWeb: boolean;
  modelsDir: string | undefined;
  fetch: boolean;
  restart: boolean;
  help: boolean;
}

const USAGE = `usage: pnpm platform [--port N] [--only ${SERVICE_NAMES.join(',')}] [--no-web] [--models-dir DIR] [--no-fetch] [--no-restart] [--host ADDR]`;
const HELP = `${USAGE}

  --port N, -p N     gateway port (default GATEWAY_PORT, else 8080; 0 = any free port)
  --only a,b         run only these services; the others answer 503 through the gateway
  --no-web           do not build or run the web UI
  --models-dir DIR   first place to look for models and where missing ones are downloaded
  --no-fetch         do not download missing models
  --no-restart       do not restart a crashed service
  --host ADDR        gateway listen address (default 127.0.0.1)

Environment: GATEWAY_PORT, YOLO_API_PORT, DEPTH_API_PORT, WEBAPP_PORT, MODELS_DIR, SHARED_DIR,
YOLO_API_MODEL_PATH, DEPTH_API_MODEL_PATH, LOG_LEVEL, WEBAPP_DIST. More: docs/local-platform.md
`;
const SETTLE_TIMEOUT_MS = 90_000;
const log = createLogger('platform');

function parseCli(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      only: { type: 'string' },
      'no-web': { type: 'boolean', default: false },
      'models-dir': { type: 'string' },
      'no-fetch': { type: 'boolean', default: false },
      'no-restart': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new Error(`--port must be 0-65535, got "${values.port}"`);
  }
  let only: ServiceName[] | undefined;
  if (values.only !== undefined) {
    only = values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean) as ServiceName[];
    const unknown = only.filter((s) => !SERVICE_NAMES.includes(s));
    if (unknown.length > 0)
      throw new Error(`--only: unknown service ${unknown.join(', ')}; known: ${SERVICE_NAMES.join(', ')}`);
  }
  return {
    port,
    host: values.host,
    only,
    noWeb: values['no-web'] ?? false,
    modelsDir: values['models-dir'],
    fetch: !values['no-fetch'],
    restart: !values['no-restart'],
    help: values.help ?? false,
  };
}

/** Ready, or known not to get there soon (crashed, absent, no model): then print the table. */
async function waitUntilSettled(platform: Platform): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < SETTLE_TIMEOUT_MS) {
    const services = Object.values(platform.status().services);
    const settled = services.every(
      (s) =>
        s.ready ||
        s.state === 'absent' ||
        s.state === 'not-selected' ||
        s.state === 'crashed' ||
        (s.state === 'running' && s.model?.origin === 'missing'),
    );
    if (settled) return;
    await new Promise((r) => setTimeout(r, 250));
  }
}

function handleSignals(platform: Platform): void {
  // One Ctrl-C arrives here 2-3 times (the terminal's group signal, then bootstrap and tsx pass it
  // on): onStopSignals treats repeats within a second as the same request.
  const first = (signal: NodeJS.Signals) => {
    log.info(`${signal}: stopping services (Ctrl-C again to kill at once)`);
    platform.stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error(`stop failed: ${String(err)}`);
        process.exit(1);
      },
    );
  };
  onStopSignals({
    first,
    again: (signal) => {
      log.warn(`${signal} again: killing everything now`);
      process.exit(130);
    },
  });
}

async function main(args: Args): Promise<number> {
  if (args.help) {
    process.stdout.write(HELP);
    return 0;
  }
  let services = args.only ?? [...SERVICE_NAMES];
  if (args.noWeb) services = services.filter((s) => s !== 'webapp');
  let platform: Platform;
  try {
    platform = await startPlatform({
      gatewayPort: args.port,
      host: args.host,
      services,
      modelsDir: args.modelsDir,
      fetchMissing: args.fetch,
      restart: args.restart,
    });
  } catch (err) {
    log.error(err instanceof PlatformStartError ? err.message : `could not start: ${String(err)}`);
    return 1;
  }
  handleSignals(platform);
  await waitUntilSettled(platform);
  process.stdout.write(formatSummary(platform.status()));
  // Keep running until a signal arrives; the gateway's server keeps the event loop alive.
  return new Promise<number>(() => {});
}

let args: Args;
try {
  args = parseCli(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
  process.exit(2);
}
process.exitCode = await main(args);
