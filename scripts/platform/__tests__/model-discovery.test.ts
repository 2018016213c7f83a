import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODELS, REPO_ROOT, testModelsDir } from '@mlip/catalogue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../lib/log.ts';
import { discoverModel } from '../model-discovery.ts';

const realYolo = join(testModelsDir(), MODELS.yolo.file);
const haveDepthGenerator = existsSync(join(REPO_ROOT, 'services/depth-api/scripts/make-test-model.ts'));

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
}

describe('discoverModel', () => {
  let root: string;
  let modelsDir: string;
  let shared: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'mlip-discover-'));
    modelsDir = join(root, 'models');
    shared = join(root, 'shared');
    await mkdir(modelsDir);
    await mkdir(join(shared, 'models'), { recursive: true });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('when YOLO_API_MODEL_PATH is set, uses that path as is', async () => {
    const env = { SHARED_DIR: shared, YOLO_API_MODEL_PATH: '/somewhere/custom.onnx' };
    const log = recordingLogger();
    const model = await discoverModel('yolo-api', { env, modelsDir, fetchMissing: false, log });
    expect(model).toEqual({ path: '/somewhere/custom.onnx', origin: 'env' });
    expect(log.warnings.join()).toContain('does not exist');
  });

  it('when no copy exists anywhere and fetching is off, returns the expected path as missing', async () => {
    const model = await discoverModel('yolo-api', {
      env: { SHARED_DIR: shared },
      modelsDir,
      fetchMissing: false,
      log: recordingLogger(),
    });
    expect(model).toMatchObject({ path: join(modelsDir, MODELS.yolo.file), origin: 'missing' });
    expect(model?.warning).toContain(
      `${MODELS.yolo.file} not found in ${modelsDir} or ${join(shared, 'models')}`,
    );
    expect(model?.warning).toContain('pnpm models:fetch yolo');
    expect(model?.warning).toContain('YOLO_API_MODEL_PATH');
  });

  it('when MODELS_DIR holds a corrupt copy and SHARED_DIR a verified one, picks the verified one', async () => {
    await writeFile(join(modelsDir, MODELS.yolo.file), 'not a model');
    await copyFile(realYolo, join(shared, 'models', MODELS.yolo.file));
    const model = await discoverModel('yolo-api', {
      env: { SHARED_DIR: shared },
      modelsDir,
      fetchMissing: false,
      log: recordingLogger(),
    });
    expect(model).toEqual({ path: join(shared, 'models', MODELS.yolo.file), origin: 'models-dir' });
  });

  it('when only a copy with other bytes exists, uses it with a warning naming the problem', async () => {
    await writeFile(join(modelsDir, MODELS.yolo.file), 'not a model');
    const model = await discoverModel('yolo-api', {
      env: { SHARED_DIR: shared },
      modelsDir,
      fetchMissing: false,
      log: recordingLogger(),
    });
    expect(model?.path).toBe(join(modelsDir, MODELS.yolo.file));
    expect(model?.warning).toMatch(/is 11 bytes, expected 3504119 .*using it anyway/);
  });

  it.skipIf(!haveDepthGenerator)(
    'when no Depth Anything model exists, generates the test model and warns that answers are synthetic',
    async () => {
      const model = await discoverModel('depth-api', {
        env: { SHARED_DIR: shared },
        modelsDir,
        fetchMissing: false,
        log: recordingLogger(),
      });
      expect(model?.origin).toBe('test-model');
      expect(existsSync(model!.path)).toBe(true);
      expect(model?.warning).toMatch(/TEST model, not Depth Anything/);
    },
  );
});
