/**
 * Depth map to displayable pixels: min..max normalised to 8-bit LUT indices (colourised RGB) or to
 * the full 16-bit range. Larger depth value = nearer = brighter / hotter colour.
 */
import type { ColormapLut } from './colormaps.ts';

/** Scale mapping [min, max] onto [0, top]; a flat map (max == min) maps everything to 0. */
function scaleFor(min: number, max: number, top: number): number {
  const range = max - min;
  return range > 0 && Number.isFinite(range) ? top / range : 0;
}

export function colorizeDepth(values: Float32Array, min: number, max: number, lut: ColormapLut): Uint8Array {
  const scale = scaleFor(min, max, 255);
  const out = new Uint8Array(values.length * 3);
  for (let i = 0, o = 0; i < values.length; i++, o += 3) {
    const index = Math.min(255, Math.max(0, Math.round((values[i]! - min) * scale))) * 3;
    out[o] = lut[index]!;
    out[o + 1] = lut[index + 1]!;
    out[o + 2] = lut[index + 2]!;
  }
  return out;
}

export function depthToUint16(values: Float32Array, min: number, max: number): Uint16Array {
  const scale = scaleFor(min, max, 65535);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = Math.min(65535, Math.max(0, Math.round((values[i]! - min) * scale)));
  }
  return out;
}
