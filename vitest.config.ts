import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // GPU and browser suites each hold one device; two cores run two files at a time
    maxWorkers: 2,
  },
});
