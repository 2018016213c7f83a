/**
 * The depth model on top of service-kit's ONNX session: input/output names and shapes are read
 * from the model (Depth Anything exports name them `pixel_values` / `predicted_depth`, others
 * differ), and a fixed spatial size is told apart from dynamic axes.
 */
import type { DepthMap, HeightWidth } from '../domain/processing/types.ts';

type Dim = number | string;

/** The part of service-kit's `OnnxModel` the depth model uses. */
export interface DepthOnnxModel {
  readonly inputs: readonly { name: string; shape: readonly Dim[]; type: string }[];
  readonly outputs: readonly { name: string; shape: readonly Dim[]; type: string }[];
  run(
    feeds: Record<string, { data: Float32Array; dims: readonly number[] }>,
  ): Promise<Record<string, { data: unknown; dims: readonly number[]; type: string }>>;
}

export interface DepthModelSignature {
  readonly inputName: string;
  readonly outputName: string;
  /** [1, 3, H, W] as declared; H and W are strings for dynamic axes. */
  readonly inputShape: readonly Dim[];
  readonly outputShape: readonly Dim[];
  /** Spatial dims of the input, `[height, width]`. */
  readonly inputSpatialDims: readonly [Dim, Dim];
  /** True when height or width is not a fixed number. */
  readonly dynamic: boolean;
}

export class UnsupportedDepthModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedDepthModelError';
  }
}

function firstFloatTensor(list: DepthOnnxModel['inputs'], role: string) {
  const first = list[0];
  if (!first) throw new UnsupportedDepthModelError(`the model has no ${role}`);
  if (first.type !== 'float32') {
    throw new UnsupportedDepthModelError(
      `the model's ${role} ${first.name} is ${first.type}, expected float32`,
    );
  }
  return first;
}

/** Reads and checks the signature: input float32 [N, 3, H, W], output float32 [N, H, W] or [N, 1, H, W]. */
export function readDepthModelSignature(
  model: Pick<DepthOnnxModel, 'inputs' | 'outputs'>,
): DepthModelSignature {
  const input = firstFloatTensor(model.inputs, 'input');
  const output = firstFloatTensor(model.outputs, 'output');
  const shape = input.shape;
  if (shape.length !== 4 || (typeof shape[1] === 'number' && shape[1] > 0 && shape[1] !== 3)) {
    throw new UnsupportedDepthModelError(
      `input ${input.name} has shape [${shape.join(', ')}], expected [1, 3, height, width]`,
    );
  }
  if (output.shape.length !== 3 && output.shape.length !== 4) {
    throw new UnsupportedDepthModelError(
      `output ${output.name} has shape [${output.shape.join(', ')}], expected [1, height, width]`,
    );
  }
  const inputSpatialDims = [shape[2]!, shape[3]!] as const;
  return {
    inputName: input.name,
    outputName: output.name,
    inputShape: [...shape],
    outputShape: [...output.shape],
    inputSpatialDims,
    dynamic: !inputSpatialDims.every((d) => typeof d === 'number' && d > 0),
  };
}

/** Runs the model on one NCHW image and returns its depth map (model resolution). */
export async function runDepthModel(
  model: Pick<DepthOnnxModel, 'run'>,
  signature: DepthModelSignature,
  pixelValues: Float32Array,
  [height, width]: HeightWidth,
): Promise<DepthMap> {
  const outputs = await model.run({
    [signature.inputName]: { data: pixelValues, dims: [1, 3, height, width] },
  });
  const output = outputs[signature.outputName];
  if (!output || !(output.data instanceof Float32Array)) {
    throw new Error(`the model gave no float32 output ${signature.outputName}`);
  }
  const dims = output.dims;
  const outHeight = dims[dims.length - 2]!;
  const outWidth = dims[dims.length - 1]!;
  if (output.data.length !== outHeight * outWidth) {
    throw new Error(`model output ${signature.outputName} [${dims.join(', ')}] is not a single depth map`);
  }
  return { data: output.data, width: outWidth, height: outHeight };
}
