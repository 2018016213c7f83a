/**
 * Loads the depth estimator for the server: the model file comes from MODEL_PATH, else
 * MODELS_DIR/<catalogue file>. A missing file is an error the kit turns into readyz 503
 * not-ready with this message as the reason (the process keeps serving health routes).
 */
import { existsSync } from 'node:fs';
import { MODELS } from '@mlip/catalogue';
import { type ModelHandle, onnxSessionConfig, resolveModelPath } from '@mlip/service-kit';
import type { DepthConfig } from '../config.ts';
import { createDepthEstimator, type DepthEstimator } from '../depth-estimator.ts';

export interface DepthModelHandle extends ModelHandle {
  readonly estimator: DepthEstimator;
}

export async function loadDepthModel(config: DepthConfig): Promise<DepthModelHandle> {
  const modelPath = resolveModelPath(config, MODELS.depth.file);
  if (!existsSync(modelPath)) {
    throw new Error(
      `model file not found: ${modelPath} (set MODEL_PATH or MODELS_DIR; get it with \`pnpm models:fetch depth\`, ` +
        'or a test stand-in with `pnpm --filter @mlip/depth-api model:test`)',
    );
  }
  const estimator = await createDepthEstimator({
    modelPath,
    maxPixels: config.maxPixels,
    // The kit's mapping, so depth-api honours every ORT_* key yolo-api does (ORT_ALLOW_SPINNING included).
    session: onnxSessionConfig(config),
    targetSize: { size: config.depthTargetSize, maxSide: config.depthMaxInputSide },
  });
  return {
    estimator,
    info: () => ({ ...estimator.info }),
    dispose: () => estimator.dispose(),
  };
}
