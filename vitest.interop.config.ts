import { defineConfig } from 'vitest/config';

/**
 * `npm run test:interop`: the reference implementation of the SPID/CIE OIDC profile (spid-cie-oidc,
 * Django, in .tools/interop-venv) against our service, both started by the test itself
 * (scripts/interop/lab.mjs). Plain Node, like the e2e tests; kept out of vitest.e2e.config.ts so that
 * `npm test` does not need Python.
 */
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/interop/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 240_000,
  },
});
