/**
 * Running the real terraform CLI offline: a CLI config in a temp dir whose `filesystem_mirror`
 * points at the hashicorp/aws provider on this machine (no registry access needed).
 *
 *   TF_PROVIDER_MIRROR   mirror directory holding registry.terraform.io/hashicorp/aws/...
 *                        (default: the first of /opt/tf-plugins and the usual plugin directories)
 *   TERRAFORM_BIN        terraform binary (default: terraform on PATH)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

const PROVIDER = 'registry.terraform.io/hashicorp/aws';

export function providerMirrorCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.TF_PROVIDER_MIRROR) return [env.TF_PROVIDER_MIRROR];
  return [
    '/opt/tf-plugins',
    join(homedir(), '.terraform.d', 'plugins'),
    join(homedir(), '.local', 'share', 'terraform', 'plugins'),
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
  ];
}

export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = providerMirrorCandidates(env);
  const found = candidates.find((dir) => existsSync(join(dir, PROVIDER)));
  if (!found) {
    throw new Error(
      `no hashicorp/aws provider mirror found in ${candidates.join(', ')} (set TF_PROVIDER_MIRROR)`,
    );
  }
  return found;
}

/** Environment for terraform child processes: its own CLI config, no telemetry, no prompts. */
export function terraformEnv(
  workDir: string = mkdtempSync(join(tmpdir(), 'infra-tf-cli-')),
): NodeJS.ProcessEnv {
  const mirror = findProviderMirror();
  const cliConfig = join(workDir, 'terraform.tfrc');
  writeFileSync(
    cliConfig,
    `provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(mirror)}
    include = ["${PROVIDER}"]
  }
  direct {
    exclude = ["${PROVIDER}"]
  }
}
`,
  );
  return {
    ...process.env,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
  };
}

export interface TerraformResult {
  status: number;
  stdout: string;
  stderr: string;
}

const TERRAFORM = process.env.TERRAFORM_BIN || 'terraform';

/**
 * Runs terraform without blocking the event loop: the emulator proxy runs on it, and vitest's worker
 * RPC times out (an unhandled "Timeout calling onTaskUpdate") when a test blocks it for a minute.
 */
export function terraformAsync(
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<TerraformResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(TERRAFORM, [...args, '-no-color'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? 1, stdout, stderr }));
  });
}

/** Throws with terraform's own output when it fails. */
export function expectOk(result: TerraformResult, what: string): TerraformResult {
  if (result.status !== 0) {
    throw new Error(
      `${what} failed (exit ${result.status}):\n${result.stderr.slice(-6000)}\n${result.stdout.slice(-6000)}`,
    );
  }
  return result;
}
