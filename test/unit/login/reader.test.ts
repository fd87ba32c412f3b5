import { describe, expect, it } from 'vitest';
import type { Env } from '../../../functions/env';
import {
  TEST_CLIENT_CERT_HEADER,
  certificateFromTls,
  certificateFromTransport,
  fingerprintOf,
  readerCertificate,
  testClientCertHeader,
} from '../../../functions/login/reader';

// Any DER will do for the transport: what it is, is the card checks' business (platform/card-auth).
const DER_BYTES = Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 11) % 256);
const BASE64 = btoa(String.fromCharCode(...DER_BYTES));
const BASE64URL = BASE64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const PEM = `-----BEGIN CERTIFICATE-----\n${BASE64.replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;

describe('login/reader: the certificate as a header or the edge carries it (R-LOG-6)', () => {
  it('a PEM — plain, URL-encoded, folded into spaces — or RFC 9440 gives the same base64url DER', () => {
    for (const value of [PEM, encodeURIComponent(PEM), PEM.replace(/\n/g, ' '), `:${BASE64}:`, testClientCertHeader(PEM)]) {
      expect(certificateFromTransport(value)).toBe(BASE64URL);
    }
  });

  it('anything else is no certificate, and a huge value is refused before it is decoded', () => {
    for (const value of [
      null,
      undefined,
      '',
      'not a certificate',
      BASE64URL,
      '%E0%A4%A',
      `-----BEGIN CERTIFICATE-----\n${BASE64}!\n-----END CERTIFICATE-----`,
      `-----BEGIN PRIVATE KEY-----\n${BASE64}\n-----END PRIVATE KEY-----`,
      `:${BASE64}`,
      `:${'A'.repeat(30_000)}:`,
    ]) {
      expect(certificateFromTransport(value), String(value).slice(0, 40)).toBeNull();
    }
  });
});

describe("login/reader: Cloudflare's mTLS verdict (R-LOG-6)", () => {
  const good = async () => ({
    certPresented: '1',
    certVerified: 'SUCCESS',
    certRevoked: '0',
    certFingerprintSHA256: await fingerprintOf(BASE64URL),
    certRFC9440: `:${BASE64}:`,
  });

  it('presented, verified, not revoked and the leaf whose fingerprint was verified → the certificate', async () => {
    expect(await certificateFromTls(await good())).toEqual({ ok: true, certificate: BASE64URL });
    // Cloudflare's hex may come in upper case.
    const upper = await good();
    expect(await certificateFromTls({ ...upper, certFingerprintSHA256: upper.certFingerprintSHA256.toUpperCase() })).toMatchObject({ ok: true });
  });

  it('nothing presented, a failed or revoked verification, or a leaf that is not the verified one → refused', async () => {
    const tls = await good();
    expect(await certificateFromTls(null)).toEqual({ ok: false, reason: 'none' });
    expect(await certificateFromTls({ ...tls, certPresented: '0' })).toEqual({ ok: false, reason: 'none' });
    expect(await certificateFromTls({ ...tls, certVerified: 'FAILED:unable to get local issuer certificate' })).toEqual({ ok: false, reason: 'unverified' });
    expect(await certificateFromTls({ ...tls, certVerified: 'NONE' })).toEqual({ ok: false, reason: 'unverified' });
    expect(await certificateFromTls({ ...tls, certRevoked: '1' })).toEqual({ ok: false, reason: 'unverified' });
    expect(await certificateFromTls({ ...tls, certRFC9440: '' })).toEqual({ ok: false, reason: 'none' });
    expect(await certificateFromTls({ ...tls, certFingerprintSHA256: 'ab'.repeat(32) })).toEqual({ ok: false, reason: 'mismatch' });
    expect(await certificateFromTls({ ...tls, certFingerprintSHA256: '' })).toEqual({ ok: false, reason: 'mismatch' });
  });
});

describe('login/reader: where the certificate comes from (R-LOG-6)', () => {
  const request = (headers: Record<string, string> = {}, cf?: unknown) =>
    new Request('https://cieid.example/login/x/lettore', { method: 'POST', headers, ...(cf ? { cf } : {}) } as RequestInit);
  const env = (over: Partial<Env>) => ({ ENVIRONMENT: 'test', TEST_HOOKS: '1', ...over }) as Env;

  it('the development header is honoured only with the test hooks on outside production', async () => {
    const withHeader = () => request({ [TEST_CLIENT_CERT_HEADER]: testClientCertHeader(PEM) });
    expect(await readerCertificate(withHeader(), env({}))).toEqual({ ok: true, certificate: BASE64URL });
    expect(await readerCertificate(withHeader(), env({ ENVIRONMENT: 'development' }))).toMatchObject({ ok: true });
    for (const off of [{ ENVIRONMENT: 'production' }, { ENVIRONMENT: 'prod' }, { TEST_HOOKS: '' }, { TEST_HOOKS: undefined }]) {
      expect(await readerCertificate(withHeader(), env(off)), JSON.stringify(off)).toEqual({ ok: false, reason: 'none' });
    }
  });

  it('without the header (or where it is ignored) the TLS handshake speaks', async () => {
    const tls = {
      certPresented: '1',
      certVerified: 'SUCCESS',
      certRevoked: '0',
      certFingerprintSHA256: await fingerprintOf(BASE64URL),
      certRFC9440: `:${BASE64}:`,
    };
    expect(await readerCertificate(request({}, { tlsClientAuth: tls }), env({ ENVIRONMENT: 'production' }))).toEqual({ ok: true, certificate: BASE64URL });
    expect(
      await readerCertificate(request({ [TEST_CLIENT_CERT_HEADER]: 'garbage' }, { tlsClientAuth: tls }), env({ ENVIRONMENT: 'production', TEST_HOOKS: '1' })),
    ).toEqual({ ok: true, certificate: BASE64URL });
    expect(await readerCertificate(request(), env({ ENVIRONMENT: 'production' }))).toEqual({ ok: false, reason: 'none' });
  });
});
