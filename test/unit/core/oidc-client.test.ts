import { describe, expect, it } from 'vitest';
import { checkUrl, parseClientRegistration, sectorOf } from '../../../functions/core/oidc-client';
import { checkPublicJwk, rsaModulusBits } from '../../../functions/core/jose-algorithms';

const dev = { allowLoopbackHttp: true };
const prod = { allowLoopbackHttp: false };
const now = new Date('2026-01-01T00:00:00Z');

/** A 2048-bit modulus: 256 bytes, top bit set. */
const n2048 = btoa(String.fromCharCode(0xc0, ...new Array(255).fill(7)))
  .replace(/\+/g, '-')
  .replace(/\//g, '_')
  .replace(/=+$/, '');
const n2047 = btoa(String.fromCharCode(0x40, ...new Array(255).fill(7)))
  .replace(/\+/g, '-')
  .replace(/\//g, '_')
  .replace(/=+$/, '');
const rsa = { kty: 'RSA', kid: 'k1', n: n2048, e: 'AQAB' };
const ec = { kty: 'EC', kid: 'k2', crv: 'P-256', x: 'x'.repeat(43), y: 'y'.repeat(43), use: 'enc' };

const valid = {
  client_id: 'https://rp.example.it',
  client_name: 'Comune di Prova',
  redirect_uris: ['https://rp.example.it/cb?x=1'],
  jwks: { keys: [rsa, ec] },
};

describe('core/oidc-client: registration of relying parties', () => {
  it('accepts a valid registration, keeps only public key members and stamps the time', () => {
    const r = parseClientRegistration({ ...valid, jwks: { keys: [{ ...rsa, x5c: ['...'] }, ec] }, extra: 1 }, prod, now);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.jwks.keys[0]).toEqual(rsa);
    expect(r.value.registered_at).toBe('2026-01-01T00:00:00.000Z');
    expect(r.value).not.toHaveProperty('extra');
  });

  it('client_id: https, no query, no fragment, no credentials; http only on loopback and only outside production', () => {
    expect(checkUrl('https://rp.example.it', prod, { allowQuery: false })).toBeNull();
    expect(checkUrl('https://rp.example.it/?a=1', prod, { allowQuery: false })).not.toBeNull();
    expect(checkUrl('https://rp.example.it/#x', prod, { allowQuery: false })).not.toBeNull();
    expect(checkUrl('https://u:p@rp.example.it', prod, { allowQuery: false })).not.toBeNull();
    expect(checkUrl('http://127.0.0.1:8000', dev, { allowQuery: false })).toBeNull();
    expect(checkUrl('http://localhost/cb', dev, { allowQuery: true })).toBeNull();
    expect(checkUrl('http://127.0.0.1:8000', prod, { allowQuery: false })).not.toBeNull();
    expect(checkUrl('http://rp.example.it', dev, { allowQuery: false })).not.toBeNull();
    expect(checkUrl('relative/path', dev, { allowQuery: true })).not.toBeNull();
    expect(checkUrl(`https://rp.example.it/${'a'.repeat(1100)}`, dev, { allowQuery: true })).not.toBeNull();
  });

  it('redirect_uris: 1 to 10, unique', () => {
    const fields = (body: object) => {
      const r = parseClientRegistration({ ...valid, ...body }, prod, now);
      return r.ok ? [] : r.problems.map((p) => p.field);
    };
    expect(fields({ redirect_uris: [] })).toEqual(['redirect_uris']);
    expect(fields({ redirect_uris: Array.from({ length: 11 }, (_, i) => `https://a.it/${i}`) })).toEqual(['redirect_uris']);
    expect(fields({ redirect_uris: ['https://a.it/cb', 'https://a.it/cb'] })).toEqual(['redirect_uris']);
  });

  it('keys: RSA ≥ 2048 bits, EC P-256, no private members, kid required and unique', () => {
    expect(rsaModulusBits(n2048)).toBe(2048);
    expect(rsaModulusBits(n2047)).toBe(2047);
    expect(checkPublicJwk(rsa).ok).toBe(true);
    expect(checkPublicJwk({ ...rsa, n: n2047 }).ok).toBe(false);
    expect(checkPublicJwk({ ...rsa, d: 'x' }).ok).toBe(false);
    expect(checkPublicJwk({ ...rsa, kid: undefined }).ok).toBe(false);
    expect(checkPublicJwk({ ...ec, crv: 'P-384' }).ok).toBe(false);
    expect(checkPublicJwk({ ...rsa, alg: 'ES256' }).ok).toBe(false);
    expect(checkPublicJwk({ ...rsa, alg: 'RSA1_5' }).ok).toBe(false);
    expect(checkPublicJwk({ ...rsa, use: 'both' }).ok).toBe(false);
    const dup = parseClientRegistration({ ...valid, jwks: { keys: [rsa, { ...ec, kid: 'k1' }] } }, prod, now);
    expect(dup.ok ? [] : dup.problems.map((p) => p.field)).toEqual(['jwks']);
  });

  it('encryption: enc only with alg, defaults to A128CBC-HS256, needs a key of the right type not reserved for signing', () => {
    const r = parseClientRegistration({ ...valid, userinfo_encrypted_response_alg: 'ECDH-ES' }, prod, now);
    expect(r.ok && r.value.userinfo_encrypted_response_enc).toBe('A128CBC-HS256');
    const encWithoutAlg = parseClientRegistration({ ...valid, id_token_encrypted_response_enc: 'A256GCM' }, prod, now);
    expect(encWithoutAlg.ok ? [] : encWithoutAlg.problems.map((p) => p.field)).toEqual(['id_token_encrypted_response_enc']);
    const sigOnly = parseClientRegistration({ ...valid, jwks: { keys: [{ ...rsa, use: 'sig' }] }, id_token_encrypted_response_alg: 'RSA-OAEP' }, prod, now);
    expect(sigOnly.ok ? [] : sigOnly.problems.map((p) => p.field)).toEqual(['id_token_encrypted_response_alg']);
  });

  it('C-30: the sector of a client is its host', () => {
    expect(sectorOf('https://rp.example.it/path')).toBe('rp.example.it');
    expect(sectorOf('http://127.0.0.1:9000')).toBe('127.0.0.1:9000');
  });
});
