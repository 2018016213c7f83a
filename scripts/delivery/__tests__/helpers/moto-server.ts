/**
 * A real moto_server (local AWS emulator) on a free loopback port for one test file:
 * started in beforeAll, stopped in afterAll. `awsEnv` points the aws CLI at it with fake
 * credentials (AWS_ENDPOINT_URL is honoured by awscli/botocore >= 1.31).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export const MOTO_ACCOUNT_ID = '123456789012';
export const MOTO_REGION = 'us-east-1';

export interface MotoServer {
  endpoint: string;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(endpoint: string, child: ChildProcess, logs: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}):\n${logs()}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`moto_server did not come up on ${endpoint}:\n${logs()}`);
}

export async function startMotoServer(): Promise<MotoServer> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  });
  child.stderr?.on('data', (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  });
  await waitUntilUp(endpoint, child, () => output);
  const env: NodeJS.ProcessEnv = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
    AWS_DEFAULT_REGION: MOTO_REGION,
    AWS_REGION: MOTO_REGION,
    AWS_ACCOUNT_ID: MOTO_ACCOUNT_ID,
    AWS_PAGER: '',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  return {
    endpoint,
    env,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

/** The aws CLI against the emulator, JSON output parsed. */
export function awsJson<T = Record<string, unknown>>(moto: MotoServer, args: string[]): T {
  const out = execFileSync('aws', [...args, '--output', 'json'], {
    env: { ...process.env, ...moto.env },
    encoding: 'utf8',
  });
  return (out.trim() ? JSON.parse(out) : {}) as T;
}
