import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { randomBytes } from 'node:crypto';
import { generateOidcKeys } from './scripts/oidc-keys.mjs';
import { generateDemoRpKeys } from './scripts/demo-rp-keys.mjs';

const secret = () => randomBytes(32).toString('base64url');

/** Tests run inside workerd with the development configuration and fresh secrets each run. */
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          ENVIRONMENT: 'test',
          TEST_HOOKS: '1',
          CAPTCHA: 'off',
          REGISTRY_TOKEN: 'test-registry-token',
          PEPPER: secret(),
          DATA_KEY: secret(),
          OIDC_KEYS: generateOidcKeys(),
          DEMO_RP_KEYS: generateDemoRpKeys(),
        },
      },
    }),
  ],
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
