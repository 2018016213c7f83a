import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';
// The catalogue by relative path on purpose: Vite's default config loader bundles only relative
// imports and hands bare ones (`@mlip/catalogue`) to Node, which cannot load a workspace `.ts` file
// on Node 20 (https://vite.dev/config/#configuring-vite, `--configLoader runner`). This keeps
// `vite build`, `vitest` and the Docker bundle working without extra flags.
import { listApiServices, localServiceUrl } from '../packages/catalogue/src/index.ts';

/**
 * Dev proxy: every API prefix of the catalogue goes to the local gateway (GATEWAY_URL) when set,
 * else straight to the service's local port. The UI only ever calls origin-relative paths, so the
 * same build works behind the gateway and the ALB.
 */
function createApiProxy(env: NodeJS.ProcessEnv): Record<string, ProxyOptions> {
  const proxy: Record<string, ProxyOptions> = {};
  for (const service of listApiServices()) {
    proxy[service.pathPrefix!] = { target: env.GATEWAY_URL ?? localServiceUrl(service, env) };
  }
  return proxy;
}

/** `@/…` is `src/…`, for the app and its tests alike. */
export const srcAlias = { '@': fileURLToPath(new URL('./src', import.meta.url)) };

// Browser code imports `SERVICES` from `@mlip/catalogue`; the package entry also re-exports the
// Node-only workspace paths (node:fs, node:path), so the browser build gets the services module alone.
const browserCatalogue = fileURLToPath(new URL('../packages/catalogue/src/services.ts', import.meta.url));

export default defineConfig({
  plugins: [react()],
  resolve: { alias: { ...srcAlias, '@mlip/catalogue': browserCatalogue } },
  server: { host: '127.0.0.1', proxy: createApiProxy(process.env) },
  preview: { host: '127.0.0.1', proxy: createApiProxy(process.env) },
  build: {
    target: 'es2022',
    // Vite prints the gzip size of every chunk; scripts/report-bundle-size.ts enforces the budget.
    reportCompressedSize: true,
  },
});
