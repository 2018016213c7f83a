import react from '@vitejs/plugin-react';
import { defineProject } from 'vitest/config';
import { srcAlias } from './vite.config.ts';

// Component tests run in jsdom; the static-server, endpoint and end-to-end tests declare
// `// @vitest-environment node` in their docblock. Tests run on Node, so `@mlip/catalogue` is the
// whole package here (the browser build aliases it to the services module only).
export default defineProject({
  plugins: [react()],
  resolve: { alias: srcAlias },
  test: {
    name: 'webapp',
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}', 'server/**/*.test.ts', 'e2e/**/*.test.ts'],
    setupFiles: ['./src/testing/setup-tests.ts'],
    testTimeout: 15_000,
    hookTimeout: 240_000,
  },
});
