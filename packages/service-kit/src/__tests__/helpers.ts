/** A minimal service on top of the kit for its in-process tests: the real YOLO ONNX model, one inference route. */
import { join } from 'node:path';
import { MODELS, SERVICES, testModelsDir } from '@mlip/catalogue';
import { type CommonConfig, commonConfigKeys } from '../config.ts';
import { decodeImage, resizeRgb } from '../image-decode.ts';
import { readImageRequest } from '../image-input.ts';
import { loadOnnxModel, type OnnxModel } from '../onnx-session.ts';
import { numberOption, parseOptions } from '../options.ts';
import type { ModelHandle, WebServiceDefinition } from '../web-server.ts';

export const MODEL_PATH = join(testModelsDir(), MODELS.yolo.file);

export interface TestModel extends ModelHandle {
  onnx: OnnxModel;
}

export interface TestServiceHooks {
  /** Awaited before the model loads (lets a test observe the loading state). */
  beforeLoad?: () => Promise<void>;
  /** Awaited inside the inference slot (lets a test hold a request in flight). */
  duringInference?: () => Promise<void>;
}

export function testService(hooks: TestServiceHooks = {}): WebServiceDefinition<CommonConfig, TestModel> {
  const service = SERVICES['yolo-api'];
  return {
    service,
    configKeys: commonConfigKeys(service),
    async loadModel(config) {
      await hooks.beforeLoad?.();
      const onnx = await loadOnnxModel(config.modelPath ?? MODEL_PATH, {
        intraOpThreads: 1,
        interOpThreads: 1,
        graphOptimizationLevel: 'all',
        device: 'cpu',
      });
      return {
        onnx,
        info: () => ({ name: 'test', inputs: onnx.inputs, outputs: onnx.outputs }),
        dispose: () => onnx.dispose(),
      };
    },
    routes: (ctx) => [
      {
        method: 'post',
        path: '/v1/infer',
        inference: true,
        operation: { summary: 'decode, resize to 640, run' },
        handler: async (req, res) => {
          const input = await readImageRequest(req, res, ctx.inputLimits);
          const options = parseOptions(
            { scale: numberOption({ min: 0, max: 1, default: 1 }) },
            input.options,
          );
          const result = await ctx.runInference(async (model) => {
            await hooks.duringInference?.();
            const image = await decodeImage(input.image, { maxPixels: ctx.config.maxPixels });
            const resized = await resizeRgb(image, 640, 640);
            const tensor = new Float32Array(3 * 640 * 640);
            for (let i = 0; i < 640 * 640; i++) {
              for (let c = 0; c < 3; c++)
                tensor[c * 640 * 640 + i] = (resized.data[i * 3 + c]! / 255) * options.scale;
            }
            const out = await model.onnx.run({ images: { data: tensor, dims: [1, 3, 640, 640] } });
            return { width: image.width, height: image.height, outputDims: out.output0?.dims };
          });
          res.json({ requestId: req.requestId, source: input.source, options, ...result });
        },
      },
    ],
  };
}

export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export interface ErrorJson {
  error: { code: string; message: string; requestId: string };
}

/** Typed view of a JSON response body for assertions. */
export function readJson<T = Record<string, unknown>>(res: Response): Promise<T> {
  return res.json() as Promise<T>;
}

export const errorCode = async (res: Response) => (await readJson<ErrorJson>(res)).error.code;
