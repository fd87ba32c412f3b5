import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: plain Node talking HTTP to a real `wrangler dev` (started once by the global
 * setup) and driving Chromium through playwright-core. Separate from vitest.config.ts, whose tests
 * run inside workerd.
 */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    // One server and one browser on a 2-core machine: files in sequence keep timings predictable.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
