/**
 * depth-api process entry: `tsx services/depth-api/src/main.ts` (env PORT, HOST, MODEL_PATH or
 * MODELS_DIR, ...; see docs/depth-api.md). Exits 1 naming each bad config key before listening;
 * SIGTERM drains in-flight requests, then exits.
 */
import { runServiceMain } from '@mlip/service-kit';
import { depthServiceDefinition } from './entry-points/server.ts';

await runServiceMain(depthServiceDefinition);
