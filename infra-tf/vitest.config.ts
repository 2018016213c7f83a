import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'infra-tf',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
