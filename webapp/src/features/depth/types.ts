export const COLORMAPS = ['inferno', 'turbo', 'viridis', 'grey'] as const;
export type Colormap = (typeof COLORMAPS)[number];
export const DEFAULT_COLORMAP: Colormap = 'inferno';

/** A box to measure, in the shape yolo-api answers (structural, so this feature needs no other). */
export interface DepthBoxInput {
  classId?: number;
  label?: string;
  confidence?: number;
  box: { x1: number; y1: number; x2: number; y2: number };
}

export interface DepthObject {
  /** Position in the submitted `boxes` list. */
  index: number;
  kind: 'box' | 'point';
  label?: string;
  classId?: number;
  confidence?: number;
  box?: { x1: number; y1: number; x2: number; y2: number };
  medianDepth: number;
  centerDepth: number;
  /** 0 for the nearest. */
  rank: number;
}

export interface DepthResponse {
  requestId: string;
  model: { name: string; inputSize: [number, number]; dynamic: boolean };
  image: { width: number; height: number };
  stats: { min: number; max: number; mean: number; std: number };
  timings: Record<string, number>;
  depthMap: { mimeType: string; colormap: Colormap; width: number; height: number; base64: string };
  objects?: DepthObject[];
}
