/**
 * Starts the real services behind the local gateway for the benchmark. With
 * `gatewayPort: 0` the platform gives every service a free port too, so a platform
 * someone already runs on the default ports is left alone.
 */
import type { ServiceName } from '@mlip/catalogue';
import { startPlatform } from '../platform/start-platform.ts';
import type { BenchModelSpec } from './bench-models.ts';
import type { BenchEndpoints } from './run-bench.ts';

export interface BenchPlatform {
  endpoints: BenchEndpoints;
  stop(): Promise<void>;
}

const SERVICE_OF: Record<BenchModelSpec['key'], ServiceName> = { yolo: 'yolo-api', depth: 'depth-api' };

export async function startBenchPlatform(
  models: readonly BenchModelSpec[],
  serviceEnv: Record<string, string>,
): Promise<BenchPlatform> {
  const env: Record<string, string> = { ...serviceEnv };
  // The services load exactly the files the raw-inference step measures.
  for (const m of models)
    env[`${SERVICE_OF[m.key].toUpperCase().replace(/-/g, '_')}_MODEL_PATH`] = m.modelPath;
  const platform = await startPlatform({
    gatewayPort: 0,
    services: models.map((m) => SERVICE_OF[m.key]),
    env,
    waitReady: true,
    quiet: true,
    buildWeb: false,
  });
  const direct: Record<string, string> = {};
  for (const m of models) direct[m.key] = `http://127.0.0.1:${platform.servicePorts[SERVICE_OF[m.key]]}`;
  return { endpoints: { direct, gateway: platform.url }, stop: () => platform.stop() };
}
