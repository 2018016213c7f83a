/**
 * The real local platform the corpus runs against: yolo-api with the real YOLO model, depth-api
 * with the generated test model, behind the gateway, with small limits so the limit cases stay
 * cheap and bounded (a 2 MiB body limit, a 1.5 s body time limit, 1 MiB / 1 s for remote images),
 * and URL input switched on for the hosts the URL cases name. Only the fixture host's loopback
 * address is trusted; everything else keeps the production address policy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, samplesDir, testModelsDir } from '@mlip/catalogue';
import { makeTestModels } from '../../../services/depth-api/scripts/make-test-model.ts';
import { type Platform, startPlatform } from '../../platform/start-platform.ts';
import { buildCorpusImages } from './corpus-bytes.ts';
import type { CorpusContext, CorpusLimits } from './corpus-cases.ts';
import { startUrlFixtureServer, type UrlFixtureServer } from './url-fixture-server.ts';

export const CORPUS_LIMITS: CorpusLimits = Object.freeze({
  bodyLimitBytes: 2 * 1024 * 1024,
  requestTimeoutMs: 1_500,
  urlMaxBytes: 1024 * 1024,
  urlTimeoutMs: 1_000,
});

/** Hosts the URL cases name: on the allowlist so that the *address* policy is what refuses them. */
const ALLOWLISTED_HOSTS = ['localhost', '127.0.0.1', '10.0.0.1', '192.168.1.10', '169.254.169.254'];

export function corpusServiceEnv(urls: UrlFixtureServer, limits: CorpusLimits): Record<string, string> {
  return {
    BODY_LIMIT_BYTES: String(limits.bodyLimitBytes),
    REQUEST_TIMEOUT_MS: String(limits.requestTimeoutMs),
    URL_MAX_BYTES: String(limits.urlMaxBytes),
    URL_TIMEOUT_MS: String(limits.urlTimeoutMs),
    URL_ALLOWLIST: [...new Set([...ALLOWLISTED_HOSTS, urls.host])].join(','),
    URL_TRUSTED_ADDRESSES: urls.host,
  };
}

export interface CorpusPlatform {
  platform: Platform;
  context: CorpusContext;
  /** bus.jpg, for the before/after sanity requests. */
  photo: Buffer;
  yoloModelPath: string;
  depthModelPath: string;
  stop(): Promise<void>;
}

export interface CorpusPlatformOptions {
  /** Directory holding yolov8n_int8.onnx. @default testModelsDir() (MODELS_DIR, else SHARED_DIR/models) */
  modelsDir?: string;
  readyTimeoutMs?: number;
}

export async function startCorpusPlatform(options: CorpusPlatformOptions = {}): Promise<CorpusPlatform> {
  const photo = readFileSync(join(samplesDir(), 'bus.jpg'));
  const images = await buildCorpusImages(photo);
  const yoloModelPath = join(options.modelsDir ?? testModelsDir(), MODELS.yolo.file);
  const depthModelPath = makeTestModels().dynamic;
  const urls = await startUrlFixtureServer({ image: images.jpeg, hugeBytes: 3 * CORPUS_LIMITS.urlMaxBytes });
  const serviceEnv = corpusServiceEnv(urls, CORPUS_LIMITS);
  let platform: Platform;
  try {
    platform = await startPlatform({
      gatewayPort: 0,
      services: ['yolo-api', 'depth-api'],
      env: { YOLO_API_MODEL_PATH: yoloModelPath, DEPTH_API_MODEL_PATH: depthModelPath },
      serviceEnv: { 'yolo-api': serviceEnv, 'depth-api': serviceEnv },
      waitReady: true,
      readyTimeoutMs: options.readyTimeoutMs ?? 120_000,
      quiet: true,
      buildWeb: false,
    });
  } catch (error) {
    await urls.close();
    throw error;
  }
  return {
    platform,
    context: { images, urls, limits: CORPUS_LIMITS },
    photo,
    yoloModelPath,
    depthModelPath,
    async stop() {
      await platform.stop();
      await urls.close();
    },
  };
}
