import { describe, expect, it } from 'vitest';
import { parseKeySet, publicPart } from '../../../functions/core/oidc-keyset';

const n2048 = btoa(String.fromCharCode(0xc0, ...new Array(255).fill(7)))
  .replace(/\+/g, '-')
  .replace(/\//g, '_')
  .replace(/=+$/, '');
const rs256 = { kty: 'RSA', kid: 'r1', alg: 'RS256', use: 'sig', n: n2048, e: 'AQAB', d: 'secret', p: 'p', q: 'q' };
const es256 = { kty: 'EC', kid: 'e1', alg: 'ES256', use: 'sig', crv: 'P-256', x: 'x', y: 'y', d: 'secret' };

describe('core/oidc-keyset: the OIDC_KEYS secret (C-4)', () => {
  it('accepts current + next private signing keys', () => {
    const r = parseKeySet(JSON.stringify({ current: [rs256, es256], next: [{ ...rs256, kid: 'r2' }] }));
    expect(r.ok).toBe(true);
  });

  it('publishes only public members', () => {
    expect(publicPart(rs256 as never)).toEqual({ kty: 'RSA', kid: 'r1', alg: 'RS256', use: 'sig', n: n2048, e: 'AQAB' });
    expect(Object.keys(publicPart(es256 as never)).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  });

  it('refuses: not JSON, no current, no RS256, repeated kids, HS256, none, public-only keys, small RSA, wrong use', () => {
    const bad = [
      'not json',
      JSON.stringify({ next: [] }),
      JSON.stringify({ current: [es256], next: [] }),
      JSON.stringify({ current: [rs256], next: [rs256] }),
      JSON.stringify({ current: [rs256, { kty: 'oct', kid: 'h', alg: 'HS256', use: 'sig', k: 'x' }], next: [] }),
      JSON.stringify({ current: [rs256, { ...es256, alg: 'none' }], next: [] }),
      JSON.stringify({ current: [{ ...rs256, d: undefined }], next: [] }),
      JSON.stringify({ current: [{ ...rs256, n: n2048.slice(0, 100) }], next: [] }),
      JSON.stringify({ current: [{ ...rs256, use: 'enc' }], next: [] }),
    ];
    for (const text of bad) expect(parseKeySet(text).ok, text.slice(0, 60)).toBe(false);
  });
});
