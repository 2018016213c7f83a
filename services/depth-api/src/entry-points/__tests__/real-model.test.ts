/**
 * With the real Depth Anything V2 Small in the test models directory (`MODELS_DIR`, default
 * ../shared/models), checks the answer is plausible for a street photo. Skipped when the model is
 * not there (it cannot be downloaded on the development machines).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, testModelsDir } from '@mlip/catalogue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DepthServer, startDepthServer, stopDepthServer } from '../server.ts';
import { imageForm, local, quietEnv, readBus } from './helpers.ts';

const realModelPath = join(testModelsDir(), MODELS.depth.file);

describe.skipIf(!existsSync(realModelPath))(
  'POST /depthapi/v1/depth with the real Depth Anything V2 Small',
  () => {
    let web: DepthServer;

    beforeAll(async () => {
      web = await startDepthServer({ env: quietEnv, overrides: { ...local, modelPath: realModelPath } });
      await web.modelLoad;
    });

    afterAll(async () => {
      await stopDepthServer(web);
    });

    it('on the bus photo, the street at the bottom comes out nearer than the buildings at the top', async () => {
      const response = await fetch(`${web.url}/depthapi/v1/depth?format=raw`, {
        method: 'POST',
        body: imageForm(await readBus()),
      });

      expect(response.status).toBe(200);
      const values = new Float32Array(await response.arrayBuffer());
      const width = 810;
      const rowMean = (y0: number, y1: number) => {
        let sum = 0;
        for (let y = y0; y < y1; y++) for (let x = 0; x < width; x++) sum += values[y * width + x]!;
        return sum / ((y1 - y0) * width);
      };
      expect(rowMean(1000, 1080)).toBeGreaterThan(rowMean(0, 80));
    });
  },
);
