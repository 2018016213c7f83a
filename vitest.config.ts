import { defineConfig } from 'vitest/config';

// One run over every workspace project; each project has its own vitest.config.ts
// (name, environment, globalSetup for generated fixtures, timeouts).
export default defineConfig({
  test: {
    projects: ['packages/*', 'services/*', 'webapp', 'infra-tf', 'scripts'],
    // 2-core CI machines: model-backed suites are CPU-bound, so keep parallelism modest.
    maxWorkers: 2,
    minWorkers: 1,
    reporters: [
      'default',
      ['junit', { outputFile: 'artifacts/junit.xml' }],
      ['json', { outputFile: 'artifacts/test-results.json' }],
    ],
  },
});
