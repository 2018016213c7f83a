/**
 * Entry point of the web UI server (local platform: `tsx webapp/server/main.ts`; container:
 * `node server/main.mjs`). Serves the Vite build with SPA fallback; see static-server.ts.
 *
 * Environment:
 *   PORT          listen port (default: the catalogue's webapp port, or WEBAPP_PORT)
 *   HOST          listen address (default 0.0.0.0, as a container needs)
 *   WEBAPP_DIST   the build to serve (default: ../dist beside this file, i.e. webapp/dist)
 *   SHUTDOWN_TIMEOUT_MS  hard deadline after SIGTERM (default 10000, under the ECS stop timeout)
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getService, localServicePort } from '@mlip/catalogue';
import { startStaticServer } from './static-server.ts';

interface ServerConfig {
  port: number;
  host: string;
  distDir: string;
  shutdownTimeoutMs: number;
}

function readConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const problems: string[] = [];
  const int = (key: string, fallback: number, min: number, max: number): number => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${key} must be an integer in ${min}..${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  let defaultPort = getService('webapp').port;
  try {
    defaultPort = localServicePort(getService('webapp'), env);
  } catch (error) {
    problems.push((error as Error).message);
  }
  const config: ServerConfig = {
    port: int('PORT', defaultPort, 0, 65535),
    host: env.HOST || '0.0.0.0',
    distDir: resolve(env.WEBAPP_DIST || join(dirname(fileURLToPath(import.meta.url)), '..', 'dist')),
    shutdownTimeoutMs: int('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 120_000),
  };
  if (!existsSync(join(config.distDir, 'index.html'))) {
    problems.push(`WEBAPP_DIST: ${config.distDir} has no index.html (run \`vite build\` in webapp/ first)`);
  }
  if (problems.length > 0) {
    throw new Error(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return config;
}

async function main(): Promise<void> {
  let config: ServerConfig;
  try {
    config = readConfig(process.env);
  } catch (error) {
    process.stderr.write(`webapp server: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const server = await startStaticServer(config);
  process.stdout.write(
    `${JSON.stringify({ msg: 'webapp server listening', url: server.url, distDir: config.distDir })}\n`,
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) process.exit(1); // a second signal: stop waiting
    stopping = true;
    process.stdout.write(`${JSON.stringify({ msg: 'webapp server shutting down', signal })}\n`);
    setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
    server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

await main();
