/**
 * External tools a suite drives (moto_server, aws, terraform). scripts/ensure-test-tools.sh
 * installs what it can; a suite whose tools are missing is skipped with the reason locally and
 * runs (and fails loudly) in CI (CI=true), the convention of the whole test command.
 */
import { spawnSync } from 'node:child_process';

export function missingTools(tools: readonly string[]): string[] {
  return tools.filter(
    (tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0,
  );
}

/** True when the suite should be skipped: tools missing and not in CI. */
export function skipWithoutTools(tools: readonly string[]): boolean {
  const missing = missingTools(tools);
  if (missing.length === 0) return false;
  if (process.env.CI === 'true') return false;
  process.stderr.write(`skipping: ${missing.join(', ')} not installed (see scripts/ensure-test-tools.sh)\n`);
  return true;
}
