import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getService, listServices, REPO_ROOT } from '@mlip/catalogue';
import { describe, expect, it } from 'vitest';
import { dockerfilePath, lintDockerfile, lintDockerignore } from '../lint-dockerfile.ts';

const yolo = getService('yolo-api');
const yoloDockerfile = readFileSync(dockerfilePath(yolo), 'utf8');

describe('Dockerfile checks (hadolint is not installable here)', () => {
  for (const service of listServices()) {
    it(`when linting ${service.workspaceDir}/Dockerfile, finds no problems`, () => {
      const problems = lintDockerfile(readFileSync(dockerfilePath(service), 'utf8'), service);
      expect(problems).toEqual([]);
    });
  }

  it('when linting the repository .dockerignore, finds no problems', () => {
    expect(lintDockerignore(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8'))).toEqual([]);
  });

  it('when the base image is latest or untagged, reports pinned-base', () => {
    const latest = yoloDockerfile.replace(/^ARG NODE_IMAGE=.*$/m, 'ARG NODE_IMAGE=node:latest');
    const untagged = yoloDockerfile.replace(/^ARG NODE_IMAGE=.*$/m, 'ARG NODE_IMAGE=node');
    expect(lintDockerfile(latest, yolo).map((p) => p.rule)).toContain('pinned-base');
    expect(lintDockerfile(untagged, yolo).map((p) => p.rule)).toContain('pinned-base');
  });

  it('when the base is pinned by digest, accepts it', () => {
    const digest = yoloDockerfile.replace(
      /^ARG NODE_IMAGE=.*$/m,
      `ARG NODE_IMAGE=node@sha256:${'a'.repeat(64)}`,
    );
    expect(lintDockerfile(digest, yolo)).toEqual([]);
  });

  it('when the runtime stage runs as root, reports non-root', () => {
    expect(lintDockerfile(yoloDockerfile.replace('USER node', 'USER root'), yolo).map((p) => p.rule)).toEqual(
      ['non-root'],
    );
    expect(lintDockerfile(yoloDockerfile.replace('USER node\n', ''), yolo).map((p) => p.rule)).toEqual([
      'non-root',
    ]);
  });

  it('when the HEALTHCHECK probes another path or port than the catalogue, reports healthcheck', () => {
    const wrongPath = yoloDockerfile.replace(yolo.healthPath, yolo.livenessPath);
    const wrongPort = yoloDockerfile.replace(`127.0.0.1:${yolo.port}`, '127.0.0.1:9999');
    expect(lintDockerfile(wrongPath, yolo).map((p) => p.rule)).toEqual(['healthcheck']);
    expect(lintDockerfile(wrongPort, yolo).map((p) => p.rule)).toEqual(['healthcheck']);
  });

  it('when the runtime stage does not set the catalogue runtimeEnv (MALLOC_ARENA_MAX), reports runtime-env', () => {
    expect(yolo.runtimeEnv).toEqual({ MALLOC_ARENA_MAX: '2' });
    const missing = yoloDockerfile.replace(/ MALLOC_ARENA_MAX=2/, '');
    const other = yoloDockerfile.replace(/MALLOC_ARENA_MAX=2/, 'MALLOC_ARENA_MAX=8');
    expect(missing).not.toBe(yoloDockerfile);
    expect(lintDockerfile(missing, yolo).map((p) => p.rule)).toEqual(['runtime-env']);
    expect(lintDockerfile(other, yolo).map((p) => p.rule)).toEqual(['runtime-env']);
  });

  it('when EXPOSE differs from the catalogue port, reports expose', () => {
    expect(
      lintDockerfile(yoloDockerfile.replace(`EXPOSE ${yolo.port}`, 'EXPOSE 80'), yolo).map((p) => p.rule),
    ).toEqual(['expose']);
  });

  it('when an ENV or ARG carries a credential, reports no-secrets', () => {
    const env = yoloDockerfile.replace('USER node', 'ENV AWS_SECRET_ACCESS_KEY=abc\nUSER node');
    const arg = yoloDockerfile.replace('USER node', 'ARG DOCKERHUB_TOKEN\nUSER node');
    expect(lintDockerfile(env, yolo).map((p) => p.rule)).toContain('no-secrets');
    expect(lintDockerfile(arg, yolo).map((p) => p.rule)).toContain('no-secrets');
  });

  it('when the image is single-stage, reports multi-stage', () => {
    const single = [
      'FROM node:20.19.5-bookworm-slim',
      'RUN pnpm exec tsx scripts/docker/build-service.ts --service yolo-api --out /app',
      'ENV MALLOC_ARENA_MAX=2',
      'USER node',
      `EXPOSE ${yolo.port}`,
      `HEALTHCHECK CMD ["node", "-e", "fetch('http://127.0.0.1:${yolo.port}${yolo.healthPath}')"]`,
      'CMD ["node", "dist/main.mjs"]',
    ].join('\n');
    expect(lintDockerfile(single, yolo).map((p) => p.rule)).toEqual(['multi-stage']);
  });

  it('when CMD goes through npm or a shell, reports exec-form-node', () => {
    const npm = yoloDockerfile.replace(/^CMD .*$/m, 'CMD ["npm", "start"]');
    const shell = yoloDockerfile.replace(/^CMD .*$/m, 'CMD node dist/main.mjs');
    expect(lintDockerfile(npm, yolo).map((p) => p.rule)).toEqual(['exec-form-node']);
    expect(lintDockerfile(shell, yolo).map((p) => p.rule)).toEqual(['exec-form-node']);
  });

  it('when pnpm is installed without an exact version, reports pinned-tools', () => {
    const unpinned = yoloDockerfile.replace('pnpm@10.34.8', 'pnpm');
    expect(lintDockerfile(unpinned, yolo).map((p) => p.rule)).toEqual(['pinned-tools']);
  });

  it('when .dockerignore lets node_modules or .git in, or drops models, reports it', () => {
    const text = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8');
    const messages = lintDockerignore(
      `${text.replace('**/node_modules\n', '').replace('.git\n', '')}\nmodels\n`,
    ).map((p) => p.message);
    expect(messages).toEqual([
      '.dockerignore must exclude **/node_modules',
      '.dockerignore must exclude .git',
      '.dockerignore must not exclude models: images bake their models from it',
    ]);
  });
});
