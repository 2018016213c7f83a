/**
 * Process entry of yolo-api (the container's CMD and `tsx services/yolo-api/src/main.ts`).
 * Env: PORT, HOST, MODEL_PATH or MODELS_DIR, LOG_LEVEL, ... (docs/yolo-api.md).
 */
import { runServiceMain } from '@mlip/service-kit';
import { yoloService } from './server.ts';

await runServiceMain(yoloService);
