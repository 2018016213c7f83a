import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'yolo-api',
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
