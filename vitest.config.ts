import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { randomBytes } from 'node:crypto';
import { generateOidcKeys } from './scripts/oidc-keys.mjs';
import { generateDemoRpKeys } from './scripts/demo-rp-keys.mjs';
import { generateCardCa } from './scripts/dev-secrets.mjs';

const secret = () => randomBytes(32).toString('base64url');

/** A card CA of this run (CARD_CA_KEY, CARD_CA_CERT), made as `npm start` makes the development one. */
const cardCa = await generateCardCa();

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
          AREA_RP_KEYS: generateDemoRpKeys(),
          ...cardCa,
        },
      },
    }),
  ],
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    // redis-server and the Upstash-REST bridge for the directory's Upstash adapter: workerd cannot start
    // processes, so Node starts them here and hands their URL to the tests (`provide` → `inject`).
    // …and an HTTP server on 127.0.0.1 where the federation tests publish their statements.
    globalSetup: ['test/support/upstash-global-setup.mjs', 'test/support/federation-global-setup.mjs'],
    testTimeout: 30_000,
  },
});
