import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // unit tests import the TypeScript sources; CLI tests spawn the bundle this builds
    globalSetup: ['test/helpers/build.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // GPU and browser suites each hold one device; two cores run two files at a time
    maxWorkers: 2,
  },
});
