/**
 * Proof 1: the production bundle each Dockerfile builds (scripts/docker/build-service.ts, run
 * here as a real process) holds only production dependencies, starts with the image's ENV and
 * CMD, and answers its readiness path; the web UI's answers `/` and a deep link.
 *
 * A service whose entry point is not written yet is skipped with that reason; once the entry
 * exists, any failure to bundle or to start fails the test.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getService, MODELS, REPO_ROOT, testModelsDir } from '@mlip/catalogue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from '../../docker/copy-models.ts';
import { runScript } from '../../lib/run-script.ts';
import { gradientPng } from '../lib/sample-image.ts';
import { freePort } from './helpers/moto-server.ts';
import { type RunningBundle, readImageRuntime, startBundle, waitForOk } from './helpers/run-bundle.ts';

const DEV_ONLY_PACKAGES = [
  'vitest',
  'typescript',
  'tsx',
  '@types/node',
  'esbuild',
  'vite',
  'fast-check',
  '@mlip',
];
const work = mkdtempSync(join(tmpdir(), 'mlip-bundles-'));

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

async function buildBundle(service: string, extraArgs: string[]): Promise<string> {
  const out = join(work, service);
  const res = await runScript('scripts/docker/build-service.ts', [
    '--service',
    service,
    '--out',
    out,
    ...extraArgs,
  ]);
  if (res.code !== 0)
    throw new Error(`build-service ${service} failed (${res.code}):\n${res.stdout}\n${res.stderr}`);
  return out;
}

function entryExists(relative: string): boolean {
  return existsSync(join(REPO_ROOT, relative));
}

const yoloEntry = 'services/yolo-api/src/main.ts';
describe.skipIf(!entryExists(yoloEntry))(`yolo-api production bundle (${yoloEntry})`, () => {
  const service = getService('yolo-api');
  let bundleDir: string;
  let bundle: RunningBundle | undefined;

  beforeAll(async () => {
    bundleDir = await buildBundle('yolo-api', ['--models-dir', testModelsDir()]);
  });
  afterAll(async () => {
    await bundle?.stop();
  });

  it('contains the bundled entry, the checksum-verified model and no dev-only packages', async () => {
    expect(existsSync(join(bundleDir, 'dist', 'main.mjs'))).toBe(true);
    const model = join(bundleDir, 'models', MODELS.yolo.file);
    expect(statSync(model).size).toBe(MODELS.yolo.bytes);
    expect(await sha256File(model)).toBe(MODELS.yolo.sha256);
    const installed = readdirSync(join(bundleDir, 'node_modules'));
    expect(installed).toContain('onnxruntime-node');
    expect(installed).toContain('sharp');
    expect(installed.filter((p) => DEV_ONLY_PACKAGES.includes(p))).toEqual([]);
    const napi = join(bundleDir, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6');
    expect(readdirSync(napi)).toEqual([process.platform]);
  });

  it('when started like the image (ENV + CMD from its Dockerfile), answers its readiness path with 200', async () => {
    const runtime = readImageRuntime(join(REPO_ROOT, service.workspaceDir, 'Dockerfile'));
    bundle = startBundle({ bundleDir, runtime, port: await freePort() });
    const res = await waitForOk(bundle, service.healthPath, 90_000);
    expect(((await res.json()) as { status: string }).status).toBe('ready');
  });

  it('when sent an image, detects with the bundled sharp and ONNX Runtime', async () => {
    const res = await fetch(`${bundle!.url}${service.pathPrefix}/v1/detect`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: gradientPng(),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { detections: unknown[]; image: { width: number; height: number } };
    expect(Array.isArray(body.detections)).toBe(true);
    expect(body.image).toEqual({ width: 96, height: 64 });
  });

  it('when sent SIGTERM (docker stop), exits by itself well before the stop timeout', async () => {
    expect(bundle, 'the bundle must be running').toBeDefined();
    const exit = await bundle!.stop(25_000);
    expect(exit, bundle!.logs()).not.toBe('timeout');
  });
});

const depthEntry = 'services/depth-api/src/main.ts';
describe.skipIf(!entryExists(depthEntry))(`depth-api production bundle (${depthEntry})`, () => {
  const service = getService('depth-api');
  let bundleDir: string;
  let modelsDir: string;
  let bundle: RunningBundle | undefined;

  beforeAll(async () => {
    // The real Depth Anything model is not on this machine: bundle without models and give the
    // process the generated stand-in (same signature, named like the real file) via MODELS_DIR.
    bundleDir = await buildBundle('depth-api', ['--no-models']);
    modelsDir = join(work, 'depth-models');
    const made = await runScript('services/depth-api/scripts/make-test-model.ts', ['--out', modelsDir]);
    if (made.code !== 0) throw new Error(`make-test-model failed:\n${made.stdout}\n${made.stderr}`);
  });
  afterAll(async () => {
    await bundle?.stop();
  });

  it('contains the bundled entry and no dev-only packages', () => {
    expect(existsSync(join(bundleDir, 'dist', 'main.mjs'))).toBe(true);
    const installed = readdirSync(join(bundleDir, 'node_modules'));
    expect(installed).toContain('onnxruntime-node');
    expect(installed.filter((p) => DEV_ONLY_PACKAGES.includes(p))).toEqual([]);
  });

  it('when started like the image with the test model, answers its readiness path with 200', async () => {
    const runtime = readImageRuntime(join(REPO_ROOT, service.workspaceDir, 'Dockerfile'));
    bundle = startBundle({
      bundleDir,
      runtime,
      port: await freePort(),
      // only MODELS_DIR, the variable the image sets: the service finds the catalogue file in it
      extraEnv: { MODELS_DIR: modelsDir },
    });
    const res = await waitForOk(bundle, service.healthPath, 90_000);
    expect(((await res.json()) as { status: string }).status).toBe('ready');
  });

  it('when sent an image, answers a depth map of the same size', async () => {
    const res = await fetch(`${bundle!.url}${service.pathPrefix}/v1/depth?format=json`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: gradientPng(),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const body = (await res.json()) as { depthMap: { width: number; height: number; base64: string } };
    expect([body.depthMap.width, body.depthMap.height]).toEqual([96, 64]);
    expect(body.depthMap.base64.length).toBeGreaterThan(0);
  });
});

const webEntry = 'webapp/server/main.ts';
describe.skipIf(!entryExists(webEntry))(`webapp production bundle (${webEntry})`, () => {
  const service = getService('webapp');
  let bundleDir: string;
  let bundle: RunningBundle | undefined;

  beforeAll(async () => {
    bundleDir = await buildBundle('webapp', []);
    const runtime = readImageRuntime(join(REPO_ROOT, service.workspaceDir, 'Dockerfile'));
    bundle = startBundle({ bundleDir, runtime, port: await freePort() });
    await waitForOk(bundle, service.healthPath, 30_000);
  });
  afterAll(async () => {
    await bundle?.stop();
  });

  it('contains the Vite build and one server file, with no node_modules', () => {
    expect(existsSync(join(bundleDir, 'dist', 'index.html'))).toBe(true);
    expect(existsSync(join(bundleDir, 'server', 'main.mjs'))).toBe(true);
    expect(existsSync(join(bundleDir, 'node_modules'))).toBe(false);
  });

  it('when asked for / and for a deep link, answers both with index.html (SPA fallback), not cached', async () => {
    const index = readFileSync(join(bundleDir, 'dist', 'index.html'), 'utf8');
    for (const path of ['/', '/detect/some/deep/link']) {
      const res = await fetch(`${bundle!.url}${path}`, { headers: { accept: 'text/html' } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toContain('text/html');
      expect(res.headers.get('cache-control') ?? '', path).toMatch(/no-cache|no-store|max-age=0/);
      expect(await res.text(), path).toBe(index);
    }
  });

  it('when asked for a hashed asset with gzip accepted, answers it compressed with a long immutable cache', async () => {
    const assets = readdirSync(join(bundleDir, 'dist', 'assets')).filter((f) => f.endsWith('.js'));
    expect(assets.length).toBeGreaterThan(0);
    const res = await fetch(`${bundle!.url}/assets/${assets[0]}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d{6,}.*immutable|immutable.*max-age=\d{6,}/);
    expect(res.headers.get('content-encoding')).toBe('gzip');
  });
});
