import { describe, expect, it } from 'vitest';
import { IMAGENET_MEAN, IMAGENET_STD, normalizePixelsToNchw } from '../normalize-pixels.ts';

describe('normalizePixelsToNchw', () => {
  it('when given 2x1 RGB pixels, writes planar channels normalised with ImageNet mean/std', () => {
    const data = Uint8Array.from([255, 0, 128, 0, 255, 64]);

    const out = normalizePixelsToNchw({ data, width: 2, height: 1, channels: 3 });

    const expected = [
      (1 - IMAGENET_MEAN[0]) / IMAGENET_STD[0],
      (0 - IMAGENET_MEAN[0]) / IMAGENET_STD[0],
      (0 - IMAGENET_MEAN[1]) / IMAGENET_STD[1],
      (1 - IMAGENET_MEAN[1]) / IMAGENET_STD[1],
      (128 / 255 - IMAGENET_MEAN[2]) / IMAGENET_STD[2],
      (64 / 255 - IMAGENET_MEAN[2]) / IMAGENET_STD[2],
    ];
    expect(out.length).toBe(6);
    out.forEach((value, i) => {
      expect(value).toBeCloseTo(expected[i]!, 5);
    });
  });

  it('when given RGBA pixels, ignores alpha', () => {
    const rgba = Uint8Array.from([10, 20, 30, 0, 40, 50, 60, 255]);
    const rgb = Uint8Array.from([10, 20, 30, 40, 50, 60]);

    const fromRgba = normalizePixelsToNchw({ data: rgba, width: 1, height: 2, channels: 4 });
    const fromRgb = normalizePixelsToNchw({ data: rgb, width: 1, height: 2, channels: 3 });

    expect(Array.from(fromRgba)).toEqual(Array.from(fromRgb));
  });

  it('when the buffer length does not match the size, throws a RangeError', () => {
    expect(() =>
      normalizePixelsToNchw({ data: new Uint8Array(5), width: 2, height: 1, channels: 3 }),
    ).toThrow(RangeError);
  });
});
