/**
 * yolo-api on top of @mlip/service-kit: config keys, model loading (+ warm-up), its routes.
 * The kit provides the bootstrap, the common routes, errors, admission and shutdown.
 */
import { MODELS } from '@mlip/catalogue';
import {
  type ModelHandle,
  onnxSessionConfig,
  resolveModelPath,
  type ServiceContext,
  type StartOptions,
  startWebServer,
  stopWebServer,
  type WebServer,
  type WebServiceDefinition,
} from '@mlip/service-kit';
import sharp from 'sharp';
import { service, type YoloConfig, yoloConfigKeys } from './config.ts';
import { createYoloDetector, type YoloDetector } from './domain/detector.ts';
import { detectRoute } from './routes/detect-route.ts';
import { predictJsonRoute } from './routes/predict-json-route.ts';

export interface YoloModel extends ModelHandle {
  detector: YoloDetector;
}

export type YoloContext = ServiceContext<YoloConfig, YoloModel>;
export type YoloServer = WebServer<YoloConfig, YoloModel>;

/** A mid-grey image: the warm-up inference runs the whole pipeline once before readyz says ready. */
async function warmUpImage(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .jpeg()
    .toBuffer();
}

export const yoloService: WebServiceDefinition<YoloConfig, YoloModel> = {
  service,
  configKeys: yoloConfigKeys,
  async loadModel(config, log) {
    const modelPath = resolveModelPath(config, MODELS.yolo.file);
    log.info({ modelPath }, 'loading model');
    const detector = await createYoloDetector({
      modelPath,
      maxPixels: config.maxPixels,
      session: onnxSessionConfig(config),
    }).catch((error: unknown) => {
      // readyz shows this as the reason: ONNX Runtime names the file, the metadata reader does not
      // (a truncated download said only "truncated field").
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(message.includes(modelPath) ? message : `cannot load ${modelPath}: ${message}`, {
        cause: error,
      });
    });
    try {
      const warm = await detector.detect(await warmUpImage());
      log.info({ sha256: detector.info.sha256, warmUpMs: warm.timings.totalMs }, 'model warmed up');
    } catch (error) {
      await detector.dispose();
      throw error;
    }
    const { metadata: _metadata, ...info } = detector.info;
    return { detector, info: () => ({ ...info }), dispose: () => detector.dispose() };
  },
  routes: (ctx) => [detectRoute(ctx), predictJsonRoute(ctx)],
};

export function startYoloServer(options: StartOptions<YoloConfig> = {}): Promise<YoloServer> {
  return startWebServer(yoloService, options);
}

export function stopYoloServer(server: YoloServer, options?: { deadlineMs?: number }) {
  return stopWebServer(server, options);
}
