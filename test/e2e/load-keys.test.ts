import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../../scripts/lib/dev-server.mjs';
import { K6_BIN } from '../../scripts/lib/k6.mjs';

/**
 * The load tests' keys inside k6's own WebCrypto: k6 exports P-256 JWK members without their leading
 * zero bytes about once in 140 keys, which the registry refuses (RFC 7518 §6.2.1.2 wants them full length) and
 * which once failed a smoke run's setup. load/checks/ec-jwk.ts exports 2,000 keys through
 * load/lib/ec-key.ts and fails its threshold unless short members turned up and every one was padded.
 */
describe('load scripts, P-256 keys exported by k6', () => {
  it('every exported key has 32-byte members, and the padded keys still sign', () => {
    const run = spawnSync(K6_BIN, ['run', '--quiet', '--no-color', join(root, 'load/checks/ec-jwk.ts')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, K6_NO_USAGE_REPORT: 'true' },
    });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).toBe(0);
    expect(output).toMatch(/fullAfter\\?":2000\b/);
  });
});
