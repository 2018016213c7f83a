/**
 * The buildspec's phases (buildspec.yml calls this; the logic lives here so CodeBuild, the
 * test harness and a laptop run the same thing).
 *
 * Usage:
 *   tsx scripts/delivery/ci.ts <pre-build|build|post-build> [--help]
 *
 *   pre-build    checks (typecheck, lint, unit tests with JUnit) unless SKIP_CHECKS=1,
 *                ECR login, optional Docker Hub login (DOCKERHUB_SECRET_ID), print the image tag
 *   build        docker build of every image (IMAGE_PLATFORM, default linux/amd64), tagged <commit12>
 *                and MOVING_TAG, reusing layers from the previous image
 *   post-build   only if the build succeeded (CODEBUILD_BUILD_SUCCEEDING=1): push both tags, write
 *                imagedefinitions.json to DELIVERY_OUT_DIR, roll each ECS service onto its new image
 *                (ROLL_SERVICES=0 to skip), wait for stability when WAIT_FOR_STABILITY=1
 *
 * Environment: see scripts/delivery/lib/delivery-config.ts and docs/delivery.md ("Build environment").
 *
 * Examples:
 *   SKIP_CHECKS=1 tsx scripts/delivery/ci.ts pre-build
 *   CODEBUILD_BUILD_SUCCEEDING=1 tsx scripts/delivery/ci.ts post-build
 *
 * Exit codes: 0 ok, 1 phase failed, 2 bad arguments or configuration.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '@mlip/catalogue';
import { ConfigError, readDeliveryConfig } from './lib/delivery-config.ts';
import { buildImage, loginToDockerHub, loginToEcr, pushImage } from './lib/docker-images.ts';
import { runPnpm } from './lib/exec.ts';
import { writeImageDefinitions } from './lib/image-definitions.ts';
import { rollService, waitForStability } from './lib/roll-ecs-services.ts';

const PHASES = ['pre-build', 'build', 'post-build'] as const;
type Phase = (typeof PHASES)[number];

/** Vitest projects run as the build's unit tests (override with CI_TEST_PROJECTS, space-separated). */
const DEFAULT_TEST_PROJECTS = 'catalogue service-kit yolo-api depth-api webapp';

function isOn(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}

function runChecks(env: NodeJS.ProcessEnv): void {
  if (isOn(env.SKIP_CHECKS)) {
    process.stdout.write('SKIP_CHECKS=1: skipping typecheck, lint and unit tests\n');
    return;
  }
  runPnpm(['run', 'typecheck']);
  runPnpm(['run', 'lint']);
  runPnpm(['run', 'models:fetch']);
  const projects = (env.CI_TEST_PROJECTS ?? DEFAULT_TEST_PROJECTS).split(/\s+/).filter(Boolean);
  // The root vitest config writes artifacts/junit.xml: buildspec.yml's `reports` picks it up.
  runPnpm(['exec', 'vitest', 'run', ...projects.flatMap((p) => ['--project', p])]);
}

function preBuild(env: NodeJS.ProcessEnv): void {
  runChecks(env);
  const config = readDeliveryConfig(env, { require: 'push' });
  loginToDockerHub(env, config.region);
  loginToEcr(config);
  process.stdout.write(
    `image tag: ${config.imageTag} (commit ${config.commitSha}), moving tag: ${config.movingTag ?? 'none'}\n`,
  );
}

function buildPhase(env: NodeJS.ProcessEnv): void {
  const config = readDeliveryConfig(env, { require: 'push' });
  for (const target of config.images) {
    process.stdout.write(`\n== building ${target.service} (${target.dockerfile})\n`);
    buildImage(config, target, {
      cacheFrom: !isOn(env.NO_CACHE_FROM),
      platform: env.IMAGE_PLATFORM || 'linux/amd64',
    });
  }
}

function postBuild(env: NodeJS.ProcessEnv): void {
  // CodeBuild runs post_build even when build failed; never push or roll a failed build.
  if (env.CODEBUILD_BUILD_SUCCEEDING !== '1') {
    throw new Error(
      'the build did not succeed (CODEBUILD_BUILD_SUCCEEDING != 1): nothing pushed, no service rolled',
    );
  }
  const roll = env.ROLL_SERVICES !== '0';
  const config = readDeliveryConfig(env, { require: roll ? 'roll' : 'push' });
  for (const target of config.images) pushImage(config, target);
  writeImageDefinitions(config, env.DELIVERY_OUT_DIR ?? join(REPO_ROOT, 'artifacts', 'delivery'));
  if (!roll) {
    process.stdout.write('ROLL_SERVICES=0: images pushed, ECS services left as they are\n');
    return;
  }
  const rolled = config.images.map((target) => rollService(config, target));
  if (isOn(env.WAIT_FOR_STABILITY))
    waitForStability(
      config,
      rolled.map((r) => r.service),
    );
}

export function runPhase(phase: Phase, env: NodeJS.ProcessEnv): void {
  if (phase === 'pre-build') preBuild(env);
  else if (phase === 'build') buildPhase(env);
  else postBuild(env);
}

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { help: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const phase = positionals[0] as Phase | undefined;
  if (values.help) {
    process.stdout.write(`usage: tsx scripts/delivery/ci.ts <${PHASES.join('|')}>\n`);
    return 0;
  }
  if (!phase || !PHASES.includes(phase) || positionals.length > 1) {
    process.stderr.write(`usage: tsx scripts/delivery/ci.ts <${PHASES.join('|')}>\n`);
    return 2;
  }
  try {
    process.stdout.write(`== ci ${phase}\n`);
    runPhase(phase, process.env);
    return 0;
  } catch (err) {
    process.stderr.write(`ci ${phase}: ${err instanceof Error ? err.message : String(err)}\n`);
    return err instanceof ConfigError ? 2 : 1;
  }
}

if (process.argv[1]?.endsWith('ci.ts')) process.exit(main(process.argv.slice(2)));
