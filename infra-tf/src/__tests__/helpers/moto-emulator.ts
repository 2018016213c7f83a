/**
 * Starts moto_server (with the shims in ../emulator/moto_with_shims.py) on a free loopback port and
 * stops it. `MOTO_PYTHON` picks the interpreter that has moto installed (default: python3).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const EMULATOR_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'emulator');
const PYTHON = process.env.MOTO_PYTHON || 'python3';

export interface Emulator {
  endpoint: string;
  stop(): Promise<void>;
}

export function startEmulator(timeoutMs = 60_000): Promise<Emulator> {
  const child: ChildProcess = spawn(PYTHON, [join(EMULATOR_DIR, 'moto_with_shims.py'), '--port', '0'], {
    // moto only knows AWS-managed IAM policies (the instance role attaches two) when asked to load them.
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d) => {
    stderr = (stderr + String(d)).slice(-4000);
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`moto did not start within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    let stdout = '';
    child.stdout?.on('data', (d) => {
      stdout += String(d);
      const match = /PORT (\d+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve({ endpoint: `http://127.0.0.1:${match[1]}`, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`moto exited with ${code} before listening:\n${stderr}`));
    });
  });
}

/** Runs emulator/inspect_platform.py: the stack's resources as the AWS API reports them. */
export function inspectPlatform<T>(endpoint: string, namePrefix: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [join(EMULATOR_DIR, 'inspect_platform.py'), endpoint, namePrefix], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`inspect_platform.py failed (exit ${code}):\n${stderr}`));
      else resolve(JSON.parse(stdout) as T);
    });
  });
}

/** Services the test override points at the emulator (provider `endpoints` keys). */
export const EMULATED_SERVICES = [
  'appautoscaling',
  'autoscaling',
  'cloudwatch',
  'codebuild',
  'ec2',
  'ecr',
  'ecs',
  'elbv2',
  'iam',
  'logs',
  'sns',
  'ssm',
  'sts',
] as const;

/**
 * Test-only Terraform override (`*_override.tf.json` merges into the provider block): endpoints,
 * fake credentials and no account/metadata lookups against real AWS. Never part of the user stack.
 */
export function emulatorOverride(endpoint: string, region = 'us-east-1'): string {
  return JSON.stringify(
    {
      provider: {
        aws: {
          region,
          access_key: 'test',
          secret_key: 'test',
          skip_credentials_validation: true,
          skip_metadata_api_check: true,
          skip_region_validation: true,
          endpoints: [Object.fromEntries(EMULATED_SERVICES.map((s) => [s, endpoint]))],
        },
      },
    },
    null,
    2,
  );
}
