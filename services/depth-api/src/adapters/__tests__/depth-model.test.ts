import { describe, expect, it } from 'vitest';
import { readDepthModelSignature, UnsupportedDepthModelError } from '../depth-model.ts';

const tensor = (name: string, shape: (number | string)[], type = 'float32') => ({ name, shape, type });

describe('readDepthModelSignature', () => {
  it('when the spatial axes are symbolic, reads names and reports a dynamic model', () => {
    const signature = readDepthModelSignature({
      inputs: [tensor('pixel_values', ['batch_size', 3, 'height', 'width'])],
      outputs: [tensor('predicted_depth', ['batch_size', 'height', 'width'])],
    });

    expect(signature).toMatchObject({
      inputName: 'pixel_values',
      outputName: 'predicted_depth',
      inputSpatialDims: ['height', 'width'],
      dynamic: true,
    });
  });

  it('when the input is fixed 518x518 under other names, reports a static model with those names', () => {
    const signature = readDepthModelSignature({
      inputs: [tensor('image', [1, 3, 518, 518])],
      outputs: [tensor('depth', [1, 1, 518, 518])],
    });

    expect(signature).toMatchObject({
      inputName: 'image',
      outputName: 'depth',
      inputSpatialDims: [518, 518],
      dynamic: false,
    });
  });

  it.each([
    [
      'a 3-channel HWC input',
      [tensor('x', [1, 518, 518, 4])],
      [tensor('y', [1, 518, 518])],
      /expected \[1, 3, height, width\]/,
    ],
    [
      'a uint8 input',
      [tensor('x', [1, 3, 518, 518], 'uint8')],
      [tensor('y', [1, 518, 518])],
      /uint8, expected float32/,
    ],
    [
      'a detector-like output',
      [tensor('x', [1, 3, 640, 640])],
      [tensor('y', [1, 84])],
      /expected \[1, height, width\]/,
    ],
    ['no inputs', [], [tensor('y', [1, 518, 518])], /has no input/],
  ])('when the model has %s, throws UnsupportedDepthModelError', (_, inputs, outputs, message) => {
    expect(() => readDepthModelSignature({ inputs, outputs })).toThrow(UnsupportedDepthModelError);
    expect(() => readDepthModelSignature({ inputs, outputs })).toThrow(message);
  });
});
