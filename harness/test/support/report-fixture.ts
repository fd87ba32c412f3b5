import type { Exchange } from '../../src/core/http.ts';
import type { RunReport } from '../../src/runner/result.ts';
import { passing } from './checks.ts';

/** What a hostile or broken deployment could put in front of a report reader. */
export const HOSTILE = `<script>alert("x")</script> & ]]> \u0000\u0007 '"`;

export const hostileExchange: Exchange = {
  method: 'POST',
  url: 'http://127.0.0.1:9/token?x=<b>&y="1"',
  requestHeaders: { 'content-type': 'application/x-www-form-urlencoded' },
  requestBody: 'grant_type=authorization_code&code=abc',
  status: 200,
  responseHeaders: { 'content-type': 'text/html', 'x-evil': '"><img src=x onerror=alert(1)>', 'set-cookie': 'a=1\nb=2' },
  responseBody: `<html>${HOSTILE}</html>`,
  durationMs: 12,
};

export function fixtureReport(): RunReport {
  const base = { exchanges: [], logs: [] };
  return {
    baseUrl: 'http://127.0.0.1:9/',
    startedAt: new Date('2026-01-02T03:04:05Z'),
    durationMs: 4321,
    concurrency: 2,
    results: [
      { ...base, check: passing('C-1', { suite: 'metadata', covers: ['C-1'], title: 'entity configuration' }), outcome: 'passed', durationMs: 120 },
      {
        ...base,
        check: passing('C-23', { suite: 'oidc', covers: ['C-23'], title: `token endpoint refuses GET ${HOSTILE}` }),
        outcome: 'failed',
        message: `expected status 405, but it answered 200: ${HOSTILE}`,
        durationMs: 1500,
        exchanges: [{ ...hostileExchange, method: 'GET', requestBody: undefined }, hostileExchange],
        logs: ['registered RP <rp>'],
      },
      {
        ...base,
        check: passing('C-24', { suite: 'oidc', covers: ['C-24', 'R-TOK-1'], title: 'wrong code_verifier' }),
        outcome: 'error',
        message: 'TypeError: x is undefined',
        stack: 'TypeError: x is undefined\n    at run (suites/oidc.ts:1:1)',
        durationMs: 2,
      },
    ],
  };
}
