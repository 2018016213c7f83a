/**
 * Letterbox geometry over every image shape from 1x1 to 10000x10 and several model input sizes
 * (square and not): the image lands centred inside the canvas, mapping coordinates in and back out
 * returns them (both ways, within float tolerance), and the packed tensor holds exactly the pixels
 * inside the image area and the pad value everywhere else. letterbox.test.ts has the square-input
 * box round trip; these fill in the rest.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeLetterbox,
  LETTERBOX_PAD_VALUE,
  letterboxBox,
  packLetterboxTensor,
  unletterboxBox,
} from '../letterbox.ts';
import type { Box, HeightWidth } from '../types.ts';

const sideArb = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 10_000 }));
const targetArb = fc.oneof(
  fc.constantFrom<HeightWidth>([640, 640], [320, 320], [480, 640], [640, 384], [1280, 1280]),
  fc
    .tuple(fc.integer({ min: 32, max: 1536 }), fc.integer({ min: 32, max: 1536 }))
    .map(([h, w]) => [h, w] as HeightWidth),
);
const unitArb = fc.double({ min: 0, max: 1, noNaN: true });

/** Float tolerance relative to the coordinates involved. */
const closeTo = (actual: number, expected: number, scale: number) =>
  Math.abs(actual - expected) <= 1e-9 * Math.max(1, scale);

function sortedBox(a: number, b: number, c: number, d: number, width: number, height: number): Box {
  return {
    x1: Math.min(a, b) * width,
    x2: Math.max(a, b) * width,
    y1: Math.min(c, d) * height,
    y2: Math.max(c, d) * height,
  };
}

describe('letterbox geometry (properties)', () => {
  it('places the resized image inside the canvas, centred within one pixel, filling one side', () => {
    fc.assert(
      fc.property(sideArb, sideArb, targetArb, (height, width, target) => {
        const lb = computeLetterbox([height, width], target);
        const [th, tw] = target;
        const [rh, rw] = lb.resized;
        expect(rh >= 1 && rw >= 1 && rh <= th && rw <= tw).toBe(true);
        expect(lb.left + rw).toBeLessThanOrEqual(tw);
        expect(lb.top + rh).toBeLessThanOrEqual(th);
        expect(Math.abs(lb.left - (tw - rw - lb.left))).toBeLessThanOrEqual(1);
        expect(Math.abs(lb.top - (th - rh - lb.top))).toBeLessThanOrEqual(1);
        expect(rw === tw || rh === th).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('maps the whole image onto the resized area, within the half pixel of rounding (or the 1 px minimum)', () => {
    fc.assert(
      fc.property(sideArb, sideArb, targetArb, (height, width, target) => {
        const lb = computeLetterbox([height, width], target);
        const mapped = letterboxBox({ x1: 0, y1: 0, x2: width, y2: height }, lb);
        expect([mapped.x1, mapped.y1]).toEqual([lb.left, lb.top]);
        const [rh, rw] = lb.resized;
        // A side that scales below one pixel is still given one (65x1 into 32x32: 0.49 px -> 1 px).
        const fits = (extent: number, resized: number) =>
          Math.abs(extent - resized) <= 0.5 + 1e-9 || (resized === 1 && extent < 1);
        expect(fits(mapped.x2 - lb.left, rw), `width ${mapped.x2 - lb.left} vs ${rw}`).toBe(true);
        expect(fits(mapped.y2 - lb.top, rh), `height ${mapped.y2 - lb.top} vs ${rh}`).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('image -> model -> image returns any box inside the image (any input size)', () => {
    fc.assert(
      fc.property(
        sideArb,
        sideArb,
        targetArb,
        unitArb,
        unitArb,
        unitArb,
        unitArb,
        (height, width, target, a, b, c, d) => {
          const lb = computeLetterbox([height, width], target);
          const box = sortedBox(a, b, c, d, width, height);
          const back = unletterboxBox(letterboxBox(box, lb), lb);
          const scale = Math.max(width, height);
          for (const k of ['x1', 'y1', 'x2', 'y2'] as const) {
            expect(closeTo(back[k], box[k], scale), `${k}: ${back[k]} vs ${box[k]}`).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('model -> image -> model returns any box inside the resized image area', () => {
    fc.assert(
      fc.property(
        sideArb,
        sideArb,
        targetArb,
        unitArb,
        unitArb,
        unitArb,
        unitArb,
        (height, width, target, a, b, c, d) => {
          const lb = computeLetterbox([height, width], target);
          // The image area in model pixels is [left, left + width*scale] x [top, top + height*scale].
          const inModel = sortedBox(a, b, c, d, width * lb.scale, height * lb.scale);
          const box = {
            x1: inModel.x1 + lb.left,
            x2: inModel.x2 + lb.left,
            y1: inModel.y1 + lb.top,
            y2: inModel.y2 + lb.top,
          };
          const again = letterboxBox(unletterboxBox(box, lb), lb);
          const scale = Math.max(...target);
          for (const k of ['x1', 'y1', 'x2', 'y2'] as const) {
            expect(closeTo(again[k], box[k], scale), `${k}: ${again[k]} vs ${box[k]}`).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the packed tensor holds the pixels (/255) in the image area and the pad value everywhere else', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.tuple(fc.integer({ min: 1, max: 24 }), fc.integer({ min: 1, max: 24 })),
        fc.integer({ min: 0, max: 0xffffffff }),
        (height, width, [th, tw], seed) => {
          const lb = computeLetterbox([height, width], [th, tw]);
          const [rh, rw] = lb.resized;
          const rgb = Uint8Array.from({ length: rh * rw * 3 }, (_, i) => (seed + i * 2654435761) % 256);
          const tensor = packLetterboxTensor(rgb, lb);
          const plane = th * tw;
          expect(tensor.length).toBe(3 * plane);
          for (let c = 0; c < 3; c++) {
            for (let y = 0; y < th; y++) {
              for (let x = 0; x < tw; x++) {
                const inside = y >= lb.top && y < lb.top + rh && x >= lb.left && x < lb.left + rw;
                const expected = inside
                  ? rgb[((y - lb.top) * rw + (x - lb.left)) * 3 + c]! / 255
                  : LETTERBOX_PAD_VALUE / 255;
                const actual = tensor[c * plane + y * tw + x]!;
                if (Math.abs(actual - expected) > 1e-6) {
                  expect({ c, y, x, actual }).toEqual({ c, y, x, actual: expected });
                }
              }
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
