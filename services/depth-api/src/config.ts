/**
 * depth-api configuration: service-kit's common keys (port, model path, limits, ONNX Runtime...)
 * plus the depth-specific ones. Validated once at start; a bad value stops the process naming it.
 */
import { SERVICES } from '@mlip/catalogue';
import { type ConfigOf, commonConfigKeys, configKey } from '@mlip/service-kit';
import { z } from 'zod';

export const DEPTH_SERVICE = SERVICES['depth-api'];

const side = z.coerce
  .number()
  .int()
  .min(14)
  .max(4096)
  .refine((n) => n % 14 === 0, 'must be a multiple of 14 (the ViT patch size)');

export const depthConfigKeys = {
  ...commonConfigKeys(DEPTH_SERVICE),
  depthTargetSize: configKey(
    'DEPTH_TARGET_SIZE',
    side.default(518),
    'Target side of the aspect-preserving resize for dynamic-size models (Depth Anything: 518)',
  ),
  depthMaxInputSide: configKey(
    'DEPTH_MAX_INPUT_SIDE',
    side.default(1036),
    'Cap on the longer model-input side (bounds attention cost for thin panoramas)',
  ),
};

export type DepthConfig = ConfigOf<typeof depthConfigKeys>;
