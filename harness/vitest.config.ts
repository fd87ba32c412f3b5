import { defineConfig } from 'vitest/config';

/** The harness's own tests: plain Node, fake servers on loopback, no deployment needed. */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
