/**
 * Letterbox geometry and tensor packing, pure. Same arithmetic as Ultralytics' `LetterBox`
 * (auto=False, centred) and `scale_boxes`, so boxes land where the reference implementation puts them.
 */
import type { Box, HeightWidth } from './types.ts';

export interface Letterbox {
  /** Scale from original to resized pixels. */
  scale: number;
  /** Size of the resized image inside the canvas. */
  resized: HeightWidth;
  /** Padding before the resized image. */
  top: number;
  left: number;
  /** Model input size. */
  target: HeightWidth;
  source: HeightWidth;
}

export const LETTERBOX_PAD_VALUE = 114;

export function computeLetterbox(source: HeightWidth, target: HeightWidth): Letterbox {
  const [srcH, srcW] = source;
  const [dstH, dstW] = target;
  const scale = Math.min(dstH / srcH, dstW / srcW);
  const resizedW = Math.max(1, Math.min(dstW, Math.round(srcW * scale)));
  const resizedH = Math.max(1, Math.min(dstH, Math.round(srcH * scale)));
  const dw = (dstW - resizedW) / 2;
  const dh = (dstH - resizedH) / 2;
  // Ultralytics: top = round(dh - 0.1), left = round(dw - 0.1).
  return {
    scale,
    resized: [resizedH, resizedW],
    top: Math.max(0, Math.round(dh - 0.1)),
    left: Math.max(0, Math.round(dw - 0.1)),
    target,
    source,
  };
}

/**
 * Packs the resized RGB (HWC uint8, `lb.resized` size) into the padded NCHW float32 tensor in 0..1.
 */
export function packLetterboxTensor(
  resizedRgb: Uint8Array,
  lb: Letterbox,
  padValue = LETTERBOX_PAD_VALUE,
): Float32Array {
  const [dstH, dstW] = lb.target;
  const [rh, rw] = lb.resized;
  const plane = dstH * dstW;
  const out = new Float32Array(3 * plane).fill(padValue / 255);
  const inv = 1 / 255;
  for (let y = 0; y < rh; y++) {
    let src = y * rw * 3;
    let dst = (y + lb.top) * dstW + lb.left;
    for (let x = 0; x < rw; x++, src += 3, dst++) {
      out[dst] = resizedRgb[src]! * inv;
      out[dst + plane] = resizedRgb[src + 1]! * inv;
      out[dst + 2 * plane] = resizedRgb[src + 2]! * inv;
    }
  }
  return out;
}

/** Box in model-input pixels -> original-image pixels, clipped to the image. */
export function unletterboxBox(box: Box, lb: Letterbox): Box {
  const [srcH, srcW] = lb.source;
  const clip = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  return {
    x1: clip((box.x1 - lb.left) / lb.scale, srcW),
    y1: clip((box.y1 - lb.top) / lb.scale, srcH),
    x2: clip((box.x2 - lb.left) / lb.scale, srcW),
    y2: clip((box.y2 - lb.top) / lb.scale, srcH),
  };
}

/** Original-image box -> model-input pixels (inverse of `unletterboxBox`, without clipping). */
export function letterboxBox(box: Box, lb: Letterbox): Box {
  return {
    x1: box.x1 * lb.scale + lb.left,
    y1: box.y1 * lb.scale + lb.top,
    x2: box.x2 * lb.scale + lb.left,
    y2: box.y2 * lb.scale + lb.top,
  };
}
