/**
 * A tiny stand-in for Depth Anything V2 with the same signature and a known output, so tests and
 * local runs work where the real weights cannot be downloaded.
 *
 *   input  `pixel_values`    float32 [1, 3, 'height', 'width']  (or fixed [1, 3, 518, 518])
 *   output `predicted_depth` float32 [1, 'height', 'width']
 *
 * It is a 1x1 Conv (then Squeeze of the channel axis): a fixed weighted sum of the normalised
 * channels plus an offset, so a brighter pixel gives a larger value, i.e. "nearer", like the real
 * model's relative inverse depth.
 */
import onnxProto, { type onnx as OnnxTypes } from 'onnx-proto';

// onnx-proto is CommonJS (`module.exports = $root`); the default import is the root namespace.
const { onnx } = onnxProto;

/** Weights of the normalised R, G, B channels. */
export const TEST_MODEL_WEIGHTS = Object.freeze([0.3, 0.6, 0.1] as const);
/** Constant added to the weighted sum. */
export const TEST_MODEL_OFFSET = 3;
/** Input size of the static variant (Depth Anything's default 518x518). */
export const TEST_MODEL_STATIC_SIZE = 518;
export const TEST_MODEL_INPUT_NAME = 'pixel_values';
export const TEST_MODEL_OUTPUT_NAME = 'predicted_depth';
export const TEST_MODEL_PRODUCER = 'mlip-depth-test-model';

export interface TestDepthModelOptions {
  /** Fixed input side in pixels (static model); undefined gives dynamic `height`/`width` axes. */
  readonly staticSize?: number;
}

type Dim = number | string;

function tensorType(dims: Dim[]): OnnxTypes.ITypeProto {
  return {
    tensorType: {
      elemType: onnx.TensorProto.DataType.FLOAT,
      shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
    },
  };
}

/** Serialised ONNX model (opset 13) computing `sum_c w_c * x[c] + offset` per pixel. */
export function buildTestDepthModel(options: TestDepthModelOptions = {}): Uint8Array {
  const height: Dim = options.staticSize ?? 'height';
  const width: Dim = options.staticSize ?? 'width';
  const graph: OnnxTypes.IGraphProto = {
    name: 'depth_test_model',
    node: [
      {
        opType: 'Conv',
        input: [TEST_MODEL_INPUT_NAME, 'weight', 'bias'],
        output: ['conv_out'],
        attribute: [{ name: 'kernel_shape', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 1] }],
      },
      { opType: 'Squeeze', input: ['conv_out', 'squeeze_axes'], output: [TEST_MODEL_OUTPUT_NAME] },
    ],
    initializer: [
      {
        name: 'weight',
        dataType: onnx.TensorProto.DataType.FLOAT,
        dims: [1, 3, 1, 1],
        floatData: [...TEST_MODEL_WEIGHTS],
      },
      { name: 'bias', dataType: onnx.TensorProto.DataType.FLOAT, dims: [1], floatData: [TEST_MODEL_OFFSET] },
      { name: 'squeeze_axes', dataType: onnx.TensorProto.DataType.INT64, dims: [1], int64Data: [1] },
    ],
    input: [{ name: TEST_MODEL_INPUT_NAME, type: tensorType([1, 3, height, width]) }],
    output: [{ name: TEST_MODEL_OUTPUT_NAME, type: tensorType([1, height, width]) }],
  };
  const model: OnnxTypes.IModelProto = {
    irVersion: 7,
    producerName: TEST_MODEL_PRODUCER,
    producerVersion: '1',
    docString:
      'Test stand-in for Depth Anything V2 (NOT a depth model): weighted sum of normalised RGB plus offset',
    opsetImport: [{ domain: '', version: 13 }],
    metadataProps: [{ key: 'mlip.test_model', value: 'true' }],
    graph,
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

/** What the test model outputs for one pixel, given its channels already normalised. */
export function expectedTestDepth(normalisedRgb: readonly [number, number, number]): number {
  return (
    TEST_MODEL_WEIGHTS[0] * normalisedRgb[0] +
    TEST_MODEL_WEIGHTS[1] * normalisedRgb[1] +
    TEST_MODEL_WEIGHTS[2] * normalisedRgb[2] +
    TEST_MODEL_OFFSET
  );
}
