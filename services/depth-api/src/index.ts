export { type DepthConfig, depthConfigKeys } from './config.ts';
export {
  createDepthEstimator,
  type DepthEstimator,
  type DepthEstimatorOptions,
  type DepthModelInfo,
  type DepthResult,
} from './depth-estimator.ts';
export {
  type DepthOptions,
  OUTPUT_FORMATS,
  type OutputFormat,
  parseDepthOptions,
} from './domain/depth-options.ts';
export { COLORMAP_NAMES, type ColormapName } from './domain/processing/colormaps.ts';
export {
  type DepthServer,
  depthServiceDefinition,
  startDepthServer,
  stopDepthServer,
} from './entry-points/server.ts';
