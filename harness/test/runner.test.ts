import { describe, expect, it } from 'vitest';
import { CheckFailure } from '../src/core/check.ts';
import { UsageError } from '../src/core/usage-error.ts';
import { flattenSuites } from '../src/runner/load-suites.ts';
import { forEachConcurrently } from '../src/runner/pool.ts';
import { exitCodeFor, tally } from '../src/runner/result.ts';
import { runChecks, type RunOptions } from '../src/runner/run-checks.ts';
import { selectChecks } from '../src/runner/select.ts';
import { erroring, failing, fakeCheck, passing, sleep } from './support/checks.ts';
import { startFakeServer } from './support/fake-server.ts';

const options = (overrides: Partial<RunOptions> = {}): RunOptions => ({
  baseUrl: new URL('http://127.0.0.1:9'),
  registryToken: 'token',
  concurrency: 2,
  checkTimeoutMs: 5_000,
  ...overrides,
});

describe('forEachConcurrently', () => {
  it('never runs more than N at once, and keeps N busy', async () => {
    let inFlight = 0;
    let peak = 0;
    await forEachConcurrently([30, 5, 5, 5, 5, 5], 3, async (ms) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await sleep(ms);
      inFlight -= 1;
    });
    expect(peak).toBe(3);
  });

  it('refuses a concurrency below 1', async () => {
    await expect(forEachConcurrently([1], 0, async () => {})).rejects.toThrow(RangeError);
  });
});

describe('runChecks', () => {
  it('tells passed, failed and errored checks apart, in the listed order', async () => {
    const report = await runChecks([passing('A'), failing('B', 'expected status 302, got 200'), erroring('C')], options());
    expect(report.results.map((r) => [r.check.id, r.outcome, r.message])).toEqual([
      ['A', 'passed', undefined],
      ['B', 'failed', 'expected status 302, got 200'],
      ['C', 'error', 'TypeError: cannot read properties of undefined'],
    ]);
    expect(report.results[2]!.stack).toMatch(/TypeError/);
    expect(tally(report.results)).toEqual({ passed: 1, failed: 1, errors: 1, total: 3 });
  });

  it('gives every check its own Http, so each report holds only its own exchanges', async () => {
    const server = await startFakeServer((req, res) => void res.writeHead(200).end(req.url));
    try {
      const visit = (id: string, paths: string[]) =>
        fakeCheck(id, async (ctx) => {
          for (const p of paths) await ctx.http.request('GET', new URL(p, ctx.baseUrl));
          throw new CheckFailure('look at the exchanges');
        });
      const report = await runChecks([visit('A', ['/a1', '/a2']), visit('B', ['/b1'])], options({ baseUrl: server.baseUrl }));
      expect(report.results.map((r) => r.exchanges.map((e) => new URL(e.url).pathname))).toEqual([['/a1', '/a2'], ['/b1']]);
    } finally {
      await server.close();
    }
  });

  it('hands checks the deployment, the token and a log', async () => {
    const check = fakeCheck('A', async (ctx) => {
      ctx.log(`${ctx.baseUrl.origin} ${ctx.registryToken}`);
    });
    const report = await runChecks([check], options());
    expect(report.results[0]!.logs).toEqual(['http://127.0.0.1:9 token']);
  });

  it('runs N checks at once and reports start and finish of each', async () => {
    let inFlight = 0;
    let peak = 0;
    const events: string[] = [];
    const slow = (id: string) =>
      fakeCheck(id, async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await sleep(20);
        inFlight -= 1;
      });
    const checks = ['A', 'B', 'C', 'D', 'E'].map(slow);
    await runChecks(checks, options({ concurrency: 2, onStart: (c) => events.push(`start ${c.id}`), onFinish: (r) => events.push(`end ${r.check.id}`) }));
    expect(peak).toBe(2);
    expect(events.filter((e) => e.startsWith('start'))).toHaveLength(5);
    expect(events.slice(0, 2)).toEqual(['start A', 'start B']);
  });

  it('fails a check that outlives its timeout, aborting its requests, and moves on', async () => {
    const server = await startFakeServer(async (_req, res) => {
      await sleep(3_000);
      res.writeHead(200).end();
    });
    try {
      const hanging = fakeCheck('SLOW', async (ctx) => {
        await ctx.http.request('GET', new URL('/hang', ctx.baseUrl));
      });
      const started = Date.now();
      const report = await runChecks([hanging, passing('NEXT')], options({ baseUrl: server.baseUrl, checkTimeoutMs: 200, concurrency: 1 }));
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(report.results.map((r) => [r.outcome, r.message])).toEqual([
        ['failed', 'did not finish within 0.2 s'],
        ['passed', undefined],
      ]);
    } finally {
      await server.close();
    }
  });

  it('counts a check that throws synchronously as an error, not a crash of the run', async () => {
    const check = {
      ...passing('SYNC'),
      run: () => {
        throw new Error('boom');
      },
    };
    const report = await runChecks([check], options());
    expect(report.results[0]).toMatchObject({ outcome: 'error', message: 'Error: boom' });
  });

  it('exits 1 when anything did not pass, 0 otherwise', async () => {
    expect(exitCodeFor((await runChecks([passing('A')], options())).results)).toBe(0);
    expect(exitCodeFor((await runChecks([passing('A'), failing('B')], options())).results)).toBe(1);
    expect(exitCodeFor((await runChecks([erroring('C')], options())).results)).toBe(1);
  });
});

describe('selectChecks', () => {
  const all = [
    passing('C-1', { suite: 'metadata', covers: ['C-1'] }),
    passing('C-5.get', { suite: 'oidc', covers: ['C-5'] }),
    passing('C-5.post', { suite: 'oidc', covers: ['C-5'] }),
    passing('act-1', { suite: 'activation', covers: ['R-ACT-1', 'R-OTP-2'] }),
  ];
  const ids = (checks: { id: string }[]) => checks.map((c) => c.id);

  it('keeps everything without filters', () => {
    expect(ids(selectChecks(all, {}))).toEqual(['C-1', 'C-5.get', 'C-5.post', 'act-1']);
  });

  it('filters by suite, by id and by what a check covers, case aside', () => {
    expect(ids(selectChecks(all, { suites: ['oidc', 'metadata'] }))).toEqual(['C-1', 'C-5.get', 'C-5.post']);
    expect(ids(selectChecks(all, { only: ['C-5'] }))).toEqual(['C-5.get', 'C-5.post']);
    expect(ids(selectChecks(all, { only: ['c-5.post', 'r-otp-2'] }))).toEqual(['C-5.post', 'act-1']);
    expect(ids(selectChecks(all, { suites: ['activation'], only: ['R-ACT-1'] }))).toEqual(['act-1']);
  });

  it('refuses names that match nothing instead of running nothing', () => {
    expect(() => selectChecks(all, { suites: ['odic'] })).toThrow(new UsageError('unknown suite odic; the suites are: metadata, oidc, activation'));
    expect(() => selectChecks(all, { only: ['C-99'] })).toThrow(/no check has the id or covers C-99 \(see: cie-harness list\)/);
    expect(() => selectChecks(all, { only: ['c-99'] })).toThrow(/covers c-99 /);
    expect(() => selectChecks(all, { suites: ['metadata'], only: ['C-5'] })).toThrow(/covers C-5 in suite metadata/);
  });
});

describe('flattenSuites', () => {
  it('lists the checks of every suite in order', () => {
    const suites = { metadata: [passing('C-1', { suite: 'metadata' })], oidc: [passing('C-5', { suite: 'oidc' })] };
    expect(flattenSuites(suites).map((c) => c.id)).toEqual(['C-1', 'C-5']);
  });

  it('refuses duplicate ids, a check in the wrong suite and things that are not checks', () => {
    expect(() => flattenSuites({ a: [passing('X', { suite: 'a' })], b: [passing('X', { suite: 'b' })] })).toThrow(/X is used twice \(suites a and b\)/);
    expect(() => flattenSuites({ a: [passing('X', { suite: 'b' })] })).toThrow(/says suite b but is listed in a/);
    expect(() => flattenSuites({ a: [{ id: 'X' }] })).toThrow(/not a check/);
    expect(() => flattenSuites(undefined)).toThrow(/must export `suites`/);
  });
});
