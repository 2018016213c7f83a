/**
 * Colour maps as 256-entry RGB lookup tables, built once from published polynomial fits:
 * - inferno and viridis: Matt Zucker's degree-6 fits of the matplotlib maps
 *   (https://www.shadertoy.com/view/WlfXRN), within a few 1/255 of the originals;
 * - turbo: Google's degree-5 polynomial approximation of Turbo (close in the middle, a few percent off at
 *   the dark end; https://gist.github.com/mikhailov-work/0d177465a8151eb6ede1768d51d476c7).
 * Perceptually uniform maps make equal depth steps look equal; `grey` is the plain ramp.
 */
export const COLORMAP_NAMES = ['inferno', 'turbo', 'viridis', 'grey'] as const;
export type ColormapName = (typeof COLORMAP_NAMES)[number];

/** 256 entries x RGB. */
export type ColormapLut = Uint8Array;

type Rgb = readonly [number, number, number];
type Poly6 = readonly [Rgb, Rgb, Rgb, Rgb, Rgb, Rgb, Rgb];

const INFERNO: Poly6 = [
  [0.0002189403691192265, 0.001651004631001012, -0.01948089843709184],
  [0.1065134194856116, 0.5639564367884091, 3.932712388889277],
  [11.60249308247187, -3.972853965665698, -15.9423941062914],
  [-41.70399613139459, 17.43639888205313, 44.35414519872813],
  [77.162935699427, -33.40235894210092, -81.80730925738993],
  [-71.31942824499214, 32.62606426397723, 73.20951985803202],
  [25.13112622477341, -12.24266895238567, -23.07032500287172],
];

const VIRIDIS: Poly6 = [
  [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
  [0.1050930431085774, 1.404613529898575, 1.384590162594685],
  [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
  [-4.634230498983486, -5.799100973351585, -19.33244095627987],
  [6.228269936347081, 14.17993336680509, 56.69055260068105],
  [4.776384997670288, -13.74514537774601, -65.35303263337234],
  [-5.435455855934631, 4.645852612178535, 26.3124352495832],
];

// Turbo's fit is degree 5, written as coefficients of 1, t, ..., t^5 per channel.
const TURBO: readonly [readonly number[], readonly number[], readonly number[]] = [
  [0.13572138, 4.6153926, -42.66032258, 132.13108234, -152.94239396, 59.28637943],
  [0.09140261, 2.19418839, 4.84296658, -14.18503333, 4.27729857, 2.82956604],
  [0.1066733, 12.64194608, -60.58204836, 110.36276771, -89.90310912, 27.34824973],
];

function toByte(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 255);
}

function evalPoly(coefficients: readonly number[], t: number): number {
  let acc = 0;
  for (let k = coefficients.length - 1; k >= 0; k--) acc = acc * t + coefficients[k]!;
  return acc;
}

function buildLut(colorAt: (t: number, channel: number) => number): ColormapLut {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = toByte(colorAt(i / 255, c));
  }
  return lut;
}

function fromPoly6(poly: Poly6): ColormapLut {
  return buildLut((t, c) =>
    evalPoly(
      poly.map((rgb) => rgb[c]!),
      t,
    ),
  );
}

const LUTS: Readonly<Record<ColormapName, ColormapLut>> = Object.freeze({
  inferno: fromPoly6(INFERNO),
  viridis: fromPoly6(VIRIDIS),
  turbo: buildLut((t, c) => evalPoly(TURBO[c]!, t)),
  grey: buildLut((t) => t),
});

export function isColormapName(value: string): value is ColormapName {
  return (COLORMAP_NAMES as readonly string[]).includes(value);
}

/** The LUT of a colour map; the error lists the valid names. */
export function getColormap(name: string): ColormapLut {
  if (!isColormapName(name)) {
    throw new RangeError(`unknown colormap "${name}"; valid: ${COLORMAP_NAMES.join(', ')}`);
  }
  return LUTS[name];
}
