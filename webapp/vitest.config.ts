import { defineProject, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';

// Component tests run in jsdom; the static-server and end-to-end tests declare
// `// @vitest-environment node` in their docblock.
export default mergeConfig(
  viteConfig,
  defineProject({
    test: {
      name: 'webapp',
      environment: 'jsdom',
      include: ['src/**/*.test.{ts,tsx}', 'server/**/*.test.ts', 'e2e/**/*.test.ts'],
      setupFiles: ['./src/testing/setup-tests.ts'],
      testTimeout: 15_000,
      hookTimeout: 240_000,
    },
  }),
);
