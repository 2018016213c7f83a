/**
 * The depth-api web server: service-kit's server (config validation, middlewares, common routes,
 * error middleware, listen, background model load, graceful stop) with the depth model and route.
 */
import {
  type StartOptions,
  type StopResult,
  startWebServer,
  stopWebServer,
  type WebServer,
  type WebServiceDefinition,
} from '@mlip/service-kit';
import { DEPTH_SERVICE, type DepthConfig, depthConfigKeys } from '../config.ts';
import { type DepthModelHandle, loadDepthModel } from './depth-model-handle.ts';
import { depthRoutes } from './depth-routes.ts';

export type DepthServer = WebServer<DepthConfig, DepthModelHandle>;

export const depthServiceDefinition: WebServiceDefinition<DepthConfig, DepthModelHandle> = {
  service: DEPTH_SERVICE,
  configKeys: depthConfigKeys,
  loadModel: (config) => loadDepthModel(config),
  routes: depthRoutes,
};

export function startDepthServer(options: StartOptions<DepthConfig> = {}): Promise<DepthServer> {
  return startWebServer(depthServiceDefinition, options);
}

export function stopDepthServer(
  server: DepthServer,
  options: { deadlineMs?: number } = {},
): Promise<StopResult> {
  return stopWebServer(server, options);
}
