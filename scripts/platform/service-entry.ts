/**
 * How the runner starts each catalogue service: its entry file (contract with the service owners)
 * and the command line. Services run as plain `node --import tsx <entry>` children, no npm/pnpm
 * wrapper in between, so signals reach the service itself.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getService, REPO_ROOT, type ServiceName } from '@mlip/catalogue';

const ENTRY_FILES: Record<ServiceName, string> = {
  'yolo-api': 'src/main.ts',
  'depth-api': 'src/main.ts',
  webapp: 'server/main.ts',
};

export interface ServiceEntry {
  /** Absolute entry path. */
  file: string;
  /** Repo-relative, for messages. */
  relative: string;
  present: boolean;
  /** Working directory: the service's workspace folder. */
  cwd: string;
}

export function serviceEntry(name: ServiceName): ServiceEntry {
  const dir = getService(name).workspaceDir;
  const relative = `${dir}/${ENTRY_FILES[name]}`;
  const file = join(REPO_ROOT, relative);
  return { file, relative, present: existsSync(file), cwd: join(REPO_ROOT, dir) };
}

/** Absolute URL of tsx's loader, so children do not depend on where `tsx` resolves from their cwd. */
export function tsxLoaderUrl(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

export function nodeArgs(entry: ServiceEntry): string[] {
  return ['--import', tsxLoaderUrl(), entry.file];
}
