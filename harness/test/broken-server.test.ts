import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSuites } from '../src/runner/load-suites.ts';
import type { CheckResult } from '../src/runner/result.ts';
import { runChecks } from '../src/runner/run-checks.ts';
import { selectChecks } from '../src/runner/select.ts';
import { startBrokenOp } from './support/broken-op.ts';
import type { FakeServer } from './support/fake-server.ts';

/**
 * The harness's own quality bar: the real checks, pointed at a provider that is wrong on purpose,
 * fail where it is wrong, for the reason it is wrong, and pass where it is right.
 */
let op: FakeServer;
let results: Map<string, CheckResult>;

beforeAll(async () => {
  op = await startBrokenOp();
  const checks = selectChecks(await loadSuites(), { only: ['C-1', 'C-2', 'C-3', 'C-4', 'C-13', 'C-23'] });
  const report = await runChecks(checks, { baseUrl: op.baseUrl, registryToken: 'unused', concurrency: 4, checkTimeoutMs: 10_000 });
  results = new Map(report.results.map((r) => [r.check.id, r]));
});
afterAll(() => op.close());

function outcome(id: string): CheckResult {
  const result = results.get(id);
  if (!result) throw new Error(`check ${id} was not run; the suites have: ${[...results.keys()].join(', ')}`);
  return result;
}

describe('real checks against a broken provider', () => {
  it('C-1 fails on the entity configuration served as application/json', () => {
    const r = outcome('C-1');
    expect(r.outcome).toBe('failed');
    expect(r.message).toMatch(/Content-Type/i);
    expect(r.message).toContain('application/json');
    expect(r.exchanges.at(-1)).toMatchObject({ method: 'GET', url: `${op.baseUrl.origin}/.well-known/openid-federation`, status: 200 });
  });

  it('C-3 fails on the missing code_challenge_methods_supported', () => {
    const r = outcome('C-3');
    expect(r.outcome).toBe('failed');
    expect(r.message).toBe('expected code_challenge_methods_supported to be ["S256"], got nothing (undefined)');
  });

  it('C-4 fails on alg none', () => {
    const r = outcome('C-4');
    expect(r.outcome).toBe('failed');
    expect(r.message).toMatch(/id_token_signing_alg_values_supported lists none/);
  });

  it('C-13 fails on the redirect to an unregistered redirect_uri, after accepting the 400 page without one', () => {
    const r = outcome('C-13');
    expect(r.outcome).toBe('failed');
    expect(r.message).toMatch(
      /^redirect_uri https:\/\/evil\.example\/cb: expected a 400 error page and no redirect, got 302 → https:\/\/evil\.example\/cb\?code=broken-code/,
    );
    const authorize = r.exchanges.filter((e) => new URL(e.url).pathname === '/authorize').map((e) => e.status);
    expect(authorize).toEqual([400, 302]);
  });

  it('C-23 fails on the token endpoint answering a GET with 200', () => {
    const r = outcome('C-23');
    expect(r.outcome).toBe('failed');
    expect(r.message).toBe(
      `GET on the token endpoint: expected a 4xx JSON error, but ${op.baseUrl.origin}/token answered 200: {"access_token":"broken","token_type":"Bearer","expires_in":60}`,
    );
  });

  it('passes what the broken provider gets right: C-2, C-1.keys, C-3.federation, C-4.keys', () => {
    for (const id of ['C-2', 'C-1.keys', 'C-3.federation', 'C-4.keys']) {
      expect([id, outcome(id).outcome, outcome(id).message]).toEqual([id, 'passed', undefined]);
    }
  });
});
