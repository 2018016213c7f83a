/** yolo-api configuration: the common service keys (see @mlip/service-kit) plus its own. */
import { SERVICES } from '@mlip/catalogue';
import { type ConfigOf, commonConfigKeys, configKey } from '@mlip/service-kit';
import { z } from 'zod';

export const service = SERVICES['yolo-api'];

export const yoloConfigKeys = {
  ...commonConfigKeys(service),
  jpegQuality: configKey(
    'ANNOTATE_JPEG_QUALITY',
    z.coerce.number().int().min(1).max(100).default(85),
    'JPEG quality of annotated images',
  ),
};

export type YoloConfig = ConfigOf<typeof yoloConfigKeys>;
