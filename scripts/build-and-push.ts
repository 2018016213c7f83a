/**
 * Builds the images with the local Docker engine and pushes them to the platform's ECR
 * repositories, for users without the CodeBuild project (or while debugging an image). The
 * same build and push calls as buildspec.yml (scripts/delivery/lib/docker-images.ts).
 *
 * Usage:
 *   pnpm build-and-push [--env <env>] [--service <name>]... [--tag <tag>] [--platform <p>]
 *                       [--no-push] [--roll] [--no-cache-from]
 *
 *   --env            environment whose stack outputs give the ECR repository URIs (default: dev);
 *                    <SVC>_ECR_URI variables (YOLO_API_ECR_URI, ...) take precedence
 *   --service        only these images (repeatable; default: all three)
 *   --tag            image tag (default: first 12 hex of git HEAD); MOVING_TAG (default latest) too
 *   --platform       docker build --platform (default linux/amd64, what the ECS instances run)
 *   --no-push        build only (no AWS access needed when the <SVC>_ECR_URI are set)
 *   --roll           also roll the ECS services onto the new images (needs ECS_CLUSTER and
 *                    <SVC>_ECS_SERVICE, as on the CodeBuild project)
 *
 * Examples:
 *   pnpm build-and-push --env dev
 *   pnpm build-and-push --service yolo-api --no-push
 *   YOLO_API_ECR_URI=123456789012.dkr.ecr.eu-west-1.amazonaws.com/mlip-dev-yolo-api pnpm build-and-push --service yolo-api
 *
 * Exit codes: 0 done, 1 a step failed, 2 bad arguments or configuration.
 */
import { parseArgs } from 'node:util';
import { SERVICE_NAMES, type ServiceName } from '@mlip/catalogue';
import { ConfigError, envPrefix, readDeliveryConfig } from './delivery/lib/delivery-config.ts';
import { buildImage, loginToEcr, pushImage } from './delivery/lib/docker-images.ts';
import { rollService } from './delivery/lib/roll-ecs-services.ts';
import { runCli } from './delivery/lib/run-cli.ts';
import { ecrUrisFromOutputs, findStackDir, readOutputs } from './delivery/lib/terraform-outputs.ts';

export interface BuildAndPushArgs {
  env: string;
  services: ServiceName[];
  tag: string | undefined;
  platform: string;
  push: boolean;
  roll: boolean;
  cacheFrom: boolean;
  help: boolean;
}

const USAGE =
  'usage: pnpm build-and-push [--env <env>] [--service <name>]... [--tag <tag>] [--platform <p>] [--no-push] [--roll] [--no-cache-from]';

export function parseBuildAndPushArgs(argv: string[]): BuildAndPushArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      env: { type: 'string', default: 'dev' },
      service: { type: 'string', multiple: true, default: [] },
      tag: { type: 'string' },
      platform: { type: 'string', default: 'linux/amd64' },
      'no-push': { type: 'boolean', default: false },
      roll: { type: 'boolean', default: false },
      'no-cache-from': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  const services = (values.service ?? []) as ServiceName[];
  for (const s of services) {
    if (!SERVICE_NAMES.includes(s))
      throw new Error(`--service must be one of ${SERVICE_NAMES.join(', ')}, got "${s}"`);
  }
  if (values['no-push'] && values.roll) throw new Error('--roll needs pushed images; drop --no-push');
  return {
    env: values.env ?? 'dev',
    services: services.length > 0 ? services : [...SERVICE_NAMES],
    tag: values.tag,
    platform: values.platform ?? 'linux/amd64',
    push: !(values['no-push'] ?? false),
    roll: values.roll ?? false,
    cacheFrom: !(values['no-cache-from'] ?? false),
    help: values.help ?? false,
  };
}

/** The process environment, with <SVC>_ECR_URI filled from the stack outputs where unset. */
function environmentWithRepositories(args: BuildAndPushArgs): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...(args.tag ? { IMAGE_TAG: args.tag } : {}) };
  const missing = args.services.filter((s) => !env[`${envPrefix(s)}_ECR_URI`]);
  // Build-only runs tag locally (`yolo-api:<tag>`) and need no deployed stack.
  if (missing.length === 0 || !args.push) return env;
  const stackDir = findStackDir(args.env);
  process.stdout.write(`reading ECR repository URIs from the outputs of ${stackDir}\n`);
  const uris = ecrUrisFromOutputs(readOutputs(stackDir), missing);
  for (const s of missing) if (uris[s]) env[`${envPrefix(s)}_ECR_URI`] = uris[s];
  return env;
}

export function buildAndPush(args: BuildAndPushArgs): void {
  const env = environmentWithRepositories(args);
  const config = readDeliveryConfig(env, {
    require: args.roll ? 'roll' : args.push ? 'push' : 'none',
    services: args.services,
  });
  process.stdout.write(`image tag ${config.imageTag}, platform ${args.platform}\n`);
  if (args.push) loginToEcr(config);
  for (const target of config.images) {
    process.stdout.write(`\n== ${target.service}\n`);
    buildImage(config, target, { cacheFrom: args.cacheFrom, platform: args.platform });
    if (args.push) pushImage(config, target);
  }
  if (args.roll) for (const target of config.images) rollService(config, target);
}

const cli = {
  usage: USAGE,
  parse: parseBuildAndPushArgs,
  run: (args: BuildAndPushArgs) => {
    buildAndPush(args);
    process.stdout.write('build-and-push: done\n');
    return 0;
  },
  failPrefix: 'build-and-push: ',
  exitCodeFor: (error: unknown) => (error instanceof ConfigError ? 2 : 1),
};

if (process.argv[1]?.endsWith('build-and-push.ts')) process.exit(await runCli(cli, process.argv.slice(2)));
