import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { env } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import type { Env } from '../../../functions/env';
import { HttpError } from '../../../functions/core/errors';
import { certificateNotAfter } from '../../../functions/core/card-auth';
import {
  CRL_LIFETIME_MS,
  buildCrl,
  cardCa,
  cardCaPem,
  certificatePem,
  generateCardKey,
  importCardPublicKey,
  issueCardCertificate,
} from '../../../functions/platform/card-ca';
import { fromBase64Url, toBase64Url } from '../../../functions/platform/encoding';

const testEnv = env as unknown as Env;
const HOLDER = { givenName: 'Maria Grazia', familyName: "D'Angelo", fiscalCode: 'DNGMGR80A41H501X' };
const ISSUED_AT = Date.parse('2026-06-15T10:00:00.250Z');
const EXPIRES_AT = Date.UTC(2036, 5, 15);

async function issue(publicKey?: CryptoKey, e: Env = testEnv) {
  const key = publicKey ?? (await generateCardKey()).publicKey;
  return issueCardCertificate(e, { holder: HOLDER, serial: 'CA00000AA', issuedAt: ISSUED_AT, expiresAt: EXPIRES_AT, publicKey: key });
}

const caCertificate = () => new x509.X509Certificate(testEnv.CARD_CA_CERT!);

describe('platform/card-ca: the card certificate (R-LVL-3, docs/level3.md)', () => {
  it('R-LVL-3: the profile — subject, serial, validity, extensions — signed ES256 by the configured CA', async () => {
    const issued = await issue();
    const cert = new x509.X509Certificate(fromBase64Url(issued.der));
    expect(cert.subject).toBe("CN=MARIA GRAZIA D'ANGELO, SN=D'ANGELO, G=MARIA GRAZIA, 2.5.4.5=TINIT-DNGMGR80A41H501X, C=IT");
    expect(cert.subjectName.getField('2.5.4.5')).toEqual(['TINIT-DNGMGR80A41H501X']);
    expect(cert.issuer).toBe(caCertificate().subject);
    expect(cert.serialNumber).toBe('434130303030304141');
    expect(cert.notBefore.toISOString()).toBe('2026-06-15T10:00:00.000Z');
    expect(cert.notAfter.getTime()).toBe(certificateNotAfter(EXPIRES_AT).getTime());
    expect(cert.signatureAlgorithm).toMatchObject({ name: 'ECDSA', hash: { name: 'SHA-256' } });
    expect(await cert.verify({ publicKey: caCertificate().publicKey, signatureOnly: true })).toBe(true);

    const basic = cert.getExtension(x509.BasicConstraintsExtension)!;
    expect(basic.ca).toBe(false);
    expect(basic.critical).toBe(true);
    const usage = cert.getExtension(x509.KeyUsagesExtension)!;
    expect(usage.usages).toBe(x509.KeyUsageFlags.digitalSignature);
    expect(usage.critical).toBe(true);
    expect(cert.getExtension(x509.ExtendedKeyUsageExtension)!.usages).toEqual([x509.ExtendedKeyUsage.clientAuth]);
    const ski = caCertificate().getExtension(x509.SubjectKeyIdentifierExtension)!;
    expect(cert.getExtension(x509.AuthorityKeyIdentifierExtension)!.keyId).toBe(ski.keyId);
    expect(cert.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId).toMatch(/^[0-9a-f]{40}$/);
  });

  it('R-LVL-3: the PEM is the DER, and the fingerprint is its SHA-256 in lower-case hex', async () => {
    const issued = await issue();
    expect(issued.pem).toBe(certificatePem(issued.der));
    expect(issued.pem).toMatch(/^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END CERTIFICATE-----\n$/);
    expect(toBase64Url(new Uint8Array(new x509.X509Certificate(issued.pem).rawData))).toBe(issued.der);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', fromBase64Url(issued.der)));
    expect(issued.fingerprint).toBe([...digest].map((b) => b.toString(16).padStart(2, '0')).join(''));
  });

  it('R-LVL-3: an RSA card key (≥ 2048 bit) is certified as well as an EC one', async () => {
    const rsa = (await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey('jwk', rsa.publicKey)) as JsonWebKey;
    const imported = await importCardPublicKey({ kty: 'RSA', n: jwk.n, e: jwk.e });
    expect(imported).not.toBeNull();
    const cert = new x509.X509Certificate((await issue(imported!)).pem);
    expect(cert.publicKey.algorithm.name).toBe('RSASSA-PKCS1-v1_5');
  });

  it('R-LVL-3: a public key WebCrypto cannot load is null, never a throw (the registry answers 400)', async () => {
    const zeros = 'A'.repeat(43);
    expect(await importCardPublicKey({ kty: 'EC', crv: 'P-256', x: zeros, y: zeros })).toBeNull();
    expect(await importCardPublicKey({ kty: 'RSA', n: 'A'.repeat(342), e: 'AQAB' })).toBeNull();
    expect(await importCardPublicKey({ kty: 'oct', k: 'c2VjcmV0' })).toBeNull();
    // A 1024-bit modulus padded with zero bytes to the length of a 2048-bit one.
    const small = (await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 1024, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const smallJwk = (await crypto.subtle.exportKey('jwk', small.publicKey)) as JsonWebKey;
    const padded = toBase64Url(new Uint8Array([...new Uint8Array(128), ...fromBase64Url(smallJwk.n!)]));
    expect(padded.length).toBeGreaterThanOrEqual(342);
    expect(await importCardPublicKey({ kty: 'RSA', n: padded, e: smallJwk.e })).toBeNull();
  });

  it("R-LVL-3: a drawn card key is EC P-256; its private half is a JWK the chip can sign with, the public half has no 'd'", async () => {
    const drawn = await generateCardKey();
    expect(drawn.privateJwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(typeof drawn.privateJwk.d).toBe('string');
    expect(drawn.publicJwk).not.toHaveProperty('d');
    const signer = await crypto.subtle.importKey('jwk', drawn.privateJwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    const data = new TextEncoder().encode('x');
    const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, signer, data);
    expect(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, drawn.publicKey, sig, data)).toBe(true);
  });
});

describe('platform/card-ca: the CA itself', () => {
  it('R-LVL-3: the published PEM is the configured certificate', async () => {
    const pem = await cardCaPem(testEnv);
    expect(new Uint8Array(new x509.X509Certificate(pem).rawData)).toEqual(new Uint8Array(caCertificate().rawData));
  });

  it("DESIGN secrets: a CA missing, unreadable, or whose key is not the certificate's, is 503 — never a certificate nobody can verify", async () => {
    const other = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const otherKey = JSON.stringify(await crypto.subtle.exportKey('jwk', other.privateKey));
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    for (const broken of [
      { CARD_CA_KEY: undefined },
      { CARD_CA_CERT: undefined },
      { CARD_CA_KEY: 'not json' },
      { CARD_CA_CERT: 'not a certificate' },
      { CARD_CA_KEY: otherKey },
    ]) {
      const e = { ...testEnv, ...broken } as Env;
      await expect(cardCa(e)).rejects.toMatchObject({ status: 503 });
      await expect(issue(undefined, e)).rejects.toBeInstanceOf(HttpError);
    }
    // A CA present but unusable is a deployment fault the operator must see.
    expect(logged).toHaveBeenCalled();
    logged.mockRestore();
  });
});

describe('platform/card-ca: the CRL (R-CARD-3, R-CARD-7, R-PUK-3)', () => {
  it('R-CARD-3: signed by the CA, with each revoked certificate, its date and reason; expired ones left out', async () => {
    const now = new Date('2026-06-15T10:00:00Z');
    const der = await buildCrl(
      testEnv,
      [
        { serial: 'CA00000AA', revokedAt: Date.parse('2026-06-01T08:00:00Z'), reason: 'blocked', notAfter: Date.parse('2036-06-15T21:59:59Z') },
        { serial: 'CA00001AB', revokedAt: Date.parse('2026-06-02T08:00:00Z'), reason: 'superseded', notAfter: Date.parse('2036-06-15T21:59:59Z') },
        { serial: 'CA00002AC', revokedAt: Date.parse('2026-06-03T08:00:00Z'), reason: 'puk_blocked', notAfter: Date.parse('2036-06-15T21:59:59Z') },
        { serial: 'CA00003AD', revokedAt: Date.parse('2016-06-03T08:00:00Z'), reason: 'blocked', notAfter: Date.parse('2026-06-14T21:59:59Z') },
      ],
      42,
      now,
    );
    const crl = new x509.X509Crl(der);
    expect(await crl.verify({ publicKey: caCertificate() })).toBe(true);
    expect(crl.issuer).toBe(caCertificate().subject);
    expect(crl.thisUpdate.getTime()).toBe(now.getTime());
    expect(crl.nextUpdate!.getTime()).toBe(now.getTime() + CRL_LIFETIME_MS);
    expect(crl.entries.map((e) => [e.serialNumber, e.reason, e.revocationDate.toISOString()])).toEqual([
      ['434130303030304141', x509.X509CrlReason.keyCompromise, '2026-06-01T08:00:00.000Z'],
      ['434130303030314142', x509.X509CrlReason.superseded, '2026-06-02T08:00:00.000Z'],
      ['434130303030324143', x509.X509CrlReason.privilegeWithdrawn, '2026-06-03T08:00:00.000Z'],
    ]);
    // cRLNumber (RFC 5280 §5.2.3): 42 as a DER INTEGER.
    const number = crl.getExtension('2.5.29.20')!;
    expect([...new Uint8Array(number.value)]).toEqual([0x02, 0x01, 42]);
    expect(crl.getExtension(x509.AuthorityKeyIdentifierExtension)!.keyId).toBe(caCertificate().getExtension(x509.SubjectKeyIdentifierExtension)!.keyId);
  });

  it('R-CARD-3: an empty list is a valid CRL too; a CRL number with its high bit set stays positive', async () => {
    const crl = new x509.X509Crl(await buildCrl(testEnv, [], 0x80, new Date()));
    expect(crl.entries).toHaveLength(0);
    expect(await crl.verify({ publicKey: caCertificate() })).toBe(true);
    expect([...new Uint8Array(crl.getExtension('2.5.29.20')!.value)]).toEqual([0x02, 0x02, 0x00, 0x80]);
    const big = new x509.X509Crl(await buildCrl(testEnv, [], 1_781_000_000_000, new Date()));
    expect(new Uint8Array(big.getExtension('2.5.29.20')!.value)[1]).toBe(6);
  });
});
