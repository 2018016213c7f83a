import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeLetterbox, letterboxBox, packLetterboxTensor, unletterboxBox } from '../letterbox.ts';

describe('computeLetterbox', () => {
  it('for a portrait 810x1080 image into 640x640: scale 0.5926, 480x640 resized, centred with 80 px left', () => {
    const lb = computeLetterbox([1080, 810], [640, 640]);
    expect(lb.scale).toBeCloseTo(640 / 1080, 6);
    expect(lb.resized).toEqual([640, 480]);
    expect([lb.top, lb.left]).toEqual([0, 80]);
  });

  it('for a landscape 1280x720 image: 640x360 resized with 140 px on top', () => {
    const lb = computeLetterbox([720, 1280], [640, 640]);
    expect(lb.resized).toEqual([360, 640]);
    expect([lb.top, lb.left]).toEqual([140, 0]);
  });

  it('upscales a small image to fill the model input along its long side', () => {
    const lb = computeLetterbox([100, 50], [640, 640]);
    expect(lb.resized).toEqual([640, 320]);
    expect(lb.left).toBe(160);
  });

  it('unletterboxBox inverts letterboxBox on non-square images (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 16, max: 4000 }),
        fc.integer({ min: 16, max: 4000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (height, width, a, b) => {
          const lb = computeLetterbox([height, width], [640, 640]);
          const box = {
            x1: a * width * 0.5,
            y1: b * height * 0.5,
            x2: width * (0.5 + a * 0.5),
            y2: height * (0.5 + b * 0.5),
          };
          const back = unletterboxBox(letterboxBox(box, lb), lb);
          for (const k of ['x1', 'y1', 'x2', 'y2'] as const) expect(back[k]).toBeCloseTo(box[k], 6);
        },
      ),
    );
  });

  it('unletterboxBox clips boxes that reach into the padding to the image', () => {
    const lb = computeLetterbox([1080, 810], [640, 640]);
    expect(unletterboxBox({ x1: 10, y1: -5, x2: 630, y2: 700 }, lb)).toEqual({
      x1: 0,
      y1: 0,
      x2: 810,
      y2: 1080,
    });
  });
});

describe('packLetterboxTensor', () => {
  it('puts the resized pixels at the offset in NCHW order, 0..1, and pads with 114', () => {
    const lb = computeLetterbox([2, 4], [4, 4]); // 4x2 image -> 4 wide x 2 high, 1 row of padding on top
    expect(lb.resized).toEqual([2, 4]);
    expect(lb.top).toBe(1);
    const rgb = new Uint8Array(2 * 4 * 3);
    for (let i = 0; i < 8; i++) rgb.set([255, i * 10, 0], i * 3);
    const t = packLetterboxTensor(rgb, lb);
    const plane = 16;
    expect(t[0]).toBeCloseTo(114 / 255);
    expect(t[4]).toBe(1); // R of pixel (0,0) at row 1
    expect(t[plane + 4 + 3]).toBeCloseTo(30 / 255); // G of pixel (3,0)
    expect(t[2 * plane + 4]).toBe(0); // B
    expect(t[3 * 4 + 1]).toBeCloseTo(114 / 255); // bottom row padding
  });
});

describe('packLetterboxTensor into a reused buffer', () => {
  const reference = (rgb: Uint8Array, lb: ReturnType<typeof computeLetterbox>) => {
    // Straightforward definition: pad everywhere, then the image at its offset.
    const [h, w] = lb.target;
    const plane = h * w;
    const t = new Float32Array(3 * plane).fill(114 / 255);
    for (let y = 0; y < lb.resized[0]; y++)
      for (let x = 0; x < lb.resized[1]; x++)
        for (let c = 0; c < 3; c++)
          t[c * plane + (y + lb.top) * w + x + lb.left] = rgb[(y * lb.resized[1] + x) * 3 + c]! / 255;
    return t;
  };

  it.each([
    ['pad above and below', [3, 8], [8, 8]],
    ['pad left and right', [8, 3], [8, 8]],
    ['no padding', [8, 8], [8, 8]],
    ['pad left and right on a non-square target', [5, 7], [6, 9]],
  ] as const)('when the image needs %s, matches the fill-everything definition, even in a dirty buffer', (_, source, target) => {
    const lb = computeLetterbox(source, target);
    const rgb = new Uint8Array(lb.resized[0] * lb.resized[1] * 3).map((_, i) => (i * 37) % 256);
    const dirty = new Float32Array(3 * target[0] * target[1]).fill(-7);

    const packed = packLetterboxTensor(rgb, lb, 114, dirty);

    expect(packed).toBe(dirty);
    expect(Array.from(packed)).toEqual(Array.from(reference(rgb, lb)));
  });

  it('when the buffer has the wrong size, throws', () => {
    const lb = computeLetterbox([2, 4], [4, 4]);
    expect(() => packLetterboxTensor(new Uint8Array(24), lb, 114, new Float32Array(10))).toThrow(
      /expected 48/,
    );
  });
});
