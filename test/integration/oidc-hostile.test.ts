import { describe, expect, it } from 'vitest';
import { call } from '../support/worker';
import { ASSERTION_TYPE, TestRp } from '../support/rp';

/** Whatever arrives, the OP answers 4xx and never fails with a 5xx. */
const GARBAGE = [
  '',
  'x',
  '.',
  '..',
  'a.b.c',
  'a.b.c.d.e',
  'eyJhbGciOiJub25lIn0.eyJpc3MiOjF9.',
  'eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln',
  `${btoa('{"alg":"RS256","kid":{"x":1}}')}.${btoa('[]')}.AAAA`,
  `${btoa('{"alg":"RS256","crit":["exp"],"exp":1}')}.${btoa('{}')}.AAAA`,
  'ë'.repeat(100),
  '%00%ff',
  'x'.repeat(9000),
];

describe('hostile input never yields a 5xx', () => {
  it('authorize: garbage in request, client_id and redirect_uri', async () => {
    const rp = await TestRp.create();
    for (const g of GARBAGE) {
      for (const params of <Record<string, string>[]>[
        { client_id: rp.clientId, redirect_uri: rp.redirectUri, request: g, scope: 'openid' },
        { client_id: g, request: g },
        { request: g },
        { client_id: rp.clientId, redirect_uri: g, request: g },
      ]) {
        const res = await call(`/oidc/authorize?${new URLSearchParams(params)}`);
        expect(res.status, JSON.stringify(params).slice(0, 80)).toBeGreaterThanOrEqual(300);
        expect(res.status).toBeLessThan(500);
      }
    }
  });

  it('token, introspection, revocation: garbage assertions, codes and tokens', async () => {
    const rp = await TestRp.create();
    for (const g of GARBAGE) {
      for (const [path, form] of [
        ['/oidc/token', { grant_type: 'authorization_code', code: g, code_verifier: g, client_assertion_type: ASSERTION_TYPE, client_assertion: g }],
        ['/oidc/token', { grant_type: 'refresh_token', refresh_token: g }],
        ['/oidc/token', { grant_type: 'authorization_code', code: g, code_verifier: g }],
        ['/oidc/introspect', { token: g }],
        ['/oidc/revoke', { token: g }],
      ] as const) {
        const res = await rp.post(path, form as Record<string, string>);
        expect(res.status, `${path} ${g.slice(0, 30)}`).toBeLessThan(500);
      }
    }
  });

  it('userinfo: garbage bearer tokens and methods', async () => {
    for (const g of GARBAGE) {
      const res = await call('/oidc/userinfo', { headers: { Authorization: `Bearer ${g.replace(/[^\x21-\x7e]/g, 'x')}` } });
      expect(res.status).toBe(401);
    }
    const put = await call('/oidc/userinfo', { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('Allow')).toBe('GET, POST');
  });
});
