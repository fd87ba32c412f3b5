import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrustAnchorTarget } from '../src/core/check.ts';
import { federationKey } from '../src/federation/statements.ts';
import { TrustAnchor } from '../src/federation/trust-anchor.ts';
import type { CheckResult } from '../src/runner/result.ts';
import { runChecks } from '../src/runner/run-checks.ts';
import { federationChecks } from '../src/suites/federation.ts';
import { startBrokenOp } from './support/broken-op.ts';
import type { FakeServer } from './support/fake-server.ts';

/**
 * Suite federation can fail: pointed at a provider that knows nothing of federation (it serves its
 * entity configuration as application/json, names no authority, and redirects any request to any
 * redirect_uri with a code), its checks fail for that reason, with a real development Trust Anchor
 * setting up each broken chain; and without a Trust Anchor they fail saying what is missing.
 */
const TOKEN = 'federation-suite-test-admin-token';
let op: FakeServer;
let ta: TrustAnchor;

async function run(ids: string[], trustAnchor?: TrustAnchorTarget): Promise<Map<string, CheckResult>> {
  const checks = federationChecks.filter((c) => ids.includes(c.id));
  expect(checks.map((c) => c.id).sort()).toEqual([...ids].sort());
  const report = await runChecks(checks, {
    baseUrl: op.baseUrl,
    registryToken: 'unused',
    concurrency: 4,
    checkTimeoutMs: 15_000,
    ...(trustAnchor ? { trustAnchor } : {}),
  });
  return new Map(report.results.map((r) => [r.check.id, r]));
}

beforeAll(async () => {
  op = await startBrokenOp();
  ta = await TrustAnchor.start({ key: await federationKey(), adminToken: TOKEN });
});
afterAll(async () => {
  await Promise.all([op.close(), ta.close()]);
});

describe('suite federation against a provider that ignores federation', () => {
  let results: Map<string, CheckResult>;
  beforeAll(async () => {
    results = await run(['C-47', 'C-43.loop', 'C-45.none', 'C-41.bad-signature'], { url: new URL(ta.url), adminToken: TOKEN });
  });

  it('C-47 fails on the content type of its entity configuration', () => {
    const r = results.get('C-47');
    expect(r?.outcome).toBe('failed');
    expect(r?.message).toMatch(/Content-Type/);
  });

  it('the refusals fail on the redirect with a code, after the Trust Anchor set up each chain', () => {
    for (const id of ['C-43.loop', 'C-45.none', 'C-41.bad-signature']) {
      const r = results.get(id);
      expect(r?.outcome, id).toBe('failed');
      expect(r?.message, id).toMatch(
        /expected a 400 error page and no redirect, got 302 → http:\/\/127\.0\.0\.1:\d+\/e\/rp-[a-z0-9]+\/callback\?code=broken-code/,
      );
      const setUp = r?.exchanges.filter((e) => new URL(e.url).pathname.startsWith('/__admin/')) ?? [];
      expect(setUp.length, id).toBeGreaterThan(0);
      expect(
        setUp.every((e) => e.status >= 200 && e.status < 300),
        id,
      ).toBe(true);
    }
  });
});

describe('suite federation without a Trust Anchor', () => {
  it('fails every check saying what it needs, rather than skipping', async () => {
    const results = await run(['C-40', 'C-43.unreachable']);
    for (const r of results.values()) {
      expect(r.outcome).toBe('failed');
      expect(r.message).toMatch(/^suite federation needs the development Trust Anchor the deployment trusts/);
    }
  });

  it('fails when the admin token is wrong, naming the Trust Anchor', async () => {
    const results = await run(['C-40'], { url: new URL(ta.url), adminToken: `${TOKEN}-wrong` });
    expect(results.get('C-40')?.outcome).toBe('failed');
    expect(results.get('C-40')?.message).toContain(`the Trust Anchor at ${new URL(ta.url).origin} did not give its configuration: 401`);
  });
});
