/**
 * The project's own Dockerfile checks (hadolint is not packaged for Debian and this machine
 * cannot download its binary). Each rule names what it protects:
 *
 *   pinned-base        every FROM (and the ARG it expands) names a tag that is not `latest`, or a digest
 *   multi-stage        a build stage and a runtime stage that copies from it
 *   non-root           the runtime stage's last USER is not root
 *   healthcheck        HEALTHCHECK probes the catalogue's readiness path on the catalogue's port
 *   expose             EXPOSE equals the catalogue port
 *   no-secrets         no ENV/ARG that looks like a credential
 *   exec-form-node     CMD is exec form and runs `node` (signals reach the app, not a shell or npm)
 *   same-build-script  the build stage runs scripts/docker/build-service.ts for this service
 *   pinned-tools       global npm installs name exact versions
 *   runtime-env        the runtime stage's ENV sets the catalogue's `runtimeEnv` for the service
 *
 * Usage:
 *   tsx scripts/delivery/lint-dockerfile.ts            # lint the three Dockerfiles and .dockerignore
 *
 * Exit codes: 0 clean, 1 problems found.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getService, listServices, REPO_ROOT, type ServiceDefinition } from '@mlip/catalogue';

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface LintProblem {
  rule: string;
  message: string;
}

/** Instructions of a Dockerfile, continuation lines joined, comments dropped. */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let current = lines[i]!.trim();
    if (current === '' || current.startsWith('#')) continue;
    while (current.endsWith('\\') && i + 1 < lines.length) {
      i++;
      const next = lines[i]!.trim();
      current = `${current.slice(0, -1).trimEnd()} ${next.startsWith('#') ? '' : next}`.trimEnd();
    }
    const match = /^(\S+)\s*(.*)$/.exec(current)!;
    out.push({ keyword: match[1]!.toUpperCase(), args: match[2]!, line: start + 1 });
  }
  return out;
}

const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL|API_KEY)/i;

function isPinnedImage(ref: string): boolean {
  if (ref.includes('@sha256:')) return true;
  const lastSegment = ref.split('/').pop() ?? ref;
  const tag = lastSegment.includes(':') ? lastSegment.split(':').pop()! : '';
  return tag !== '' && tag !== 'latest' && !tag.includes('$');
}

function argDefaults(instructions: Instruction[]): Map<string, string> {
  const defaults = new Map<string, string>();
  for (const ins of instructions) {
    if (ins.keyword !== 'ARG') continue;
    const [name, value] = ins.args.split('=');
    if (name && value !== undefined) defaults.set(name.trim(), value.trim().replace(/^"|"$/g, ''));
  }
  return defaults;
}

function expandArgs(ref: string, defaults: Map<string, string>): string {
  return ref.replace(/\$\{?(\w+)\}?/g, (_, name: string) => defaults.get(name) ?? `$${name}`);
}

/** The variables that ENV instructions set (`ENV A=1 B=2` form), later ones winning. */
export function envOf(instructions: readonly Instruction[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const ins of instructions) {
    if (ins.keyword !== 'ENV') continue;
    for (const m of ins.args.matchAll(/(\w+)=(\S+)/g)) env[m[1]!] = m[2]!;
  }
  return env;
}

export function lintDockerfile(text: string, service: ServiceDefinition): LintProblem[] {
  const problems: LintProblem[] = [];
  const add = (rule: string, message: string) => problems.push({ rule, message });
  const instructions = parseDockerfile(text);
  const defaults = argDefaults(instructions);

  const froms = instructions.filter((i) => i.keyword === 'FROM');
  const stageNames: string[] = [];
  for (const from of froms) {
    const [rawRef, as, stage] = from.args.split(/\s+/);
    if (as?.toUpperCase() === 'AS' && stage) stageNames.push(stage);
    if (!rawRef || stageNames.includes(rawRef)) continue; // FROM <earlier stage>
    const ref = expandArgs(rawRef, defaults);
    if (!isPinnedImage(ref))
      add('pinned-base', `line ${from.line}: base image "${ref}" is not pinned to a tag or digest`);
  }

  const lastFromIndex = instructions.lastIndexOf(froms[froms.length - 1]!);
  const runtime = lastFromIndex >= 0 ? instructions.slice(lastFromIndex + 1) : [];
  if (froms.length < 2 || !runtime.some((i) => i.keyword === 'COPY' && /--from=/.test(i.args))) {
    add('multi-stage', 'expected a build stage and a runtime stage that COPY --from it');
  }

  const users = runtime.filter((i) => i.keyword === 'USER');
  const lastUser = users[users.length - 1]?.args.split(':')[0]?.trim();
  if (!lastUser || lastUser === 'root' || lastUser === '0')
    add('non-root', 'the runtime stage must end with a non-root USER');

  const healthchecks = instructions.filter((i) => i.keyword === 'HEALTHCHECK');
  const expectedProbe = `127.0.0.1:${service.port}${service.healthPath}`;
  if (healthchecks.length !== 1 || !healthchecks[0]!.args.includes(expectedProbe)) {
    add('healthcheck', `HEALTHCHECK must probe http://${expectedProbe} (catalogue readiness path)`);
  }

  const exposed = instructions.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/));
  if (exposed.length !== 1 || exposed[0]!.replace(/\/tcp$/, '') !== String(service.port)) {
    add(
      'expose',
      `EXPOSE must be exactly the catalogue port ${service.port}, got ${exposed.join(' ') || 'nothing'}`,
    );
  }

  for (const ins of instructions.filter((i) => i.keyword === 'ENV' || i.keyword === 'ARG')) {
    const names = [...ins.args.matchAll(/(?:^|\s)([A-Za-z_][\w]*)(?==|\s|$)/g)].map((m) => m[1]!);
    for (const name of names) {
      if (SECRET_NAME.test(name))
        add('no-secrets', `line ${ins.line}: ${ins.keyword} ${name} looks like a credential`);
    }
  }
  if (/AKIA[0-9A-Z]{16}/.test(text)) add('no-secrets', 'an AWS access key id appears in the Dockerfile');

  const env = envOf(runtime);
  for (const [name, value] of Object.entries(service.runtimeEnv)) {
    if (env[name] !== value)
      add(
        'runtime-env',
        `the runtime stage must set ENV ${name}=${value} (catalogue runtimeEnv), got ${env[name] ?? 'nothing'}`,
      );
  }

  const cmds = runtime.filter((i) => i.keyword === 'CMD' || i.keyword === 'ENTRYPOINT');
  const cmd = cmds[cmds.length - 1];
  if (!cmd || !/^\[\s*"node"/.test(cmd.args)) {
    add('exec-form-node', 'CMD must be exec form starting with "node" (not a shell, not npm start)');
  }

  const buildRun = instructions.find(
    (i) =>
      i.keyword === 'RUN' &&
      i.args.includes('scripts/docker/build-service.ts') &&
      i.args.includes(`--service ${service.name}`),
  );
  if (!buildRun)
    add(
      'same-build-script',
      `the build stage must run scripts/docker/build-service.ts --service ${service.name}`,
    );

  for (const ins of instructions.filter(
    (i) => i.keyword === 'RUN' && /npm (install|i) (--global|-g)/.test(i.args),
  )) {
    const pkgs = ins.args
      .split('&&')[0]!
      .split(/\s+/)
      .filter((w) => /^[a-z@][\w./@-]*$/.test(w) && !['npm', 'install', 'i'].includes(w));
    for (const pkg of pkgs) {
      if (!/@\d+\.\d+\.\d+$/.test(pkg))
        add('pinned-tools', `line ${ins.line}: global npm install of ${pkg} without an exact version`);
    }
  }
  return problems;
}

/** Patterns .dockerignore must contain, and ones it must not (models are baked from the context). */
export function lintDockerignore(text: string): LintProblem[] {
  const entries = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const problems: LintProblem[] = [];
  for (const required of ['**/node_modules', '.git', 'artifacts', '**/dist', '**/.env']) {
    if (!entries.includes(required))
      problems.push({ rule: 'dockerignore', message: `.dockerignore must exclude ${required}` });
  }
  for (const forbidden of ['models', '/models', 'models/', '**/*.onnx']) {
    if (entries.includes(forbidden)) {
      problems.push({
        rule: 'dockerignore',
        message: `.dockerignore must not exclude ${forbidden}: images bake their models from it`,
      });
    }
  }
  return problems;
}

export function dockerfilePath(service: ServiceDefinition): string {
  return join(REPO_ROOT, service.workspaceDir, 'Dockerfile');
}

function main(): number {
  let count = 0;
  for (const service of listServices()) {
    const path = dockerfilePath(service);
    for (const p of lintDockerfile(readFileSync(path, 'utf8'), getService(service.name))) {
      process.stdout.write(`${path}: [${p.rule}] ${p.message}\n`);
      count++;
    }
  }
  for (const p of lintDockerignore(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8'))) {
    process.stdout.write(`.dockerignore: [${p.rule}] ${p.message}\n`);
    count++;
  }
  process.stdout.write(count === 0 ? 'Dockerfiles: no problems\n' : `Dockerfiles: ${count} problem(s)\n`);
  return count === 0 ? 0 : 1;
}

if (process.argv[1]?.endsWith('lint-dockerfile.ts')) process.exit(main());
