import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../functions/env';
import { certificateNotAfter } from '../../functions/core/card-auth';
import { PUK_MAX_WRONG } from '../../functions/core/puk-challenge';
import { issueCardCertificate } from '../../functions/platform/card-ca';
import { verifyCardPresentation } from '../../functions/platform/card-auth';
import { fromBase64Url, toBase64Url } from '../../functions/platform/encoding';
import { randomId } from '../../functions/platform/crypto';
import { registry } from '../support/worker';
import { type CitizenData, newCitizen } from '../support/citizens';
import { cardStub } from '../support/activation-state';
import { VirtualCard } from '../support/virtual-card';

const testEnv = env as unknown as Env;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const ES256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

interface Issued {
  serial: string;
  pin: string;
  puk: string;
  certificate: string;
  cardKey: JsonWebKey;
}

async function issue(citizen: CitizenData | Record<string, unknown> = newCitizen()): Promise<Issued> {
  const res = await registry('/cards', citizen);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Issued;
}

async function chip(card: Issued): Promise<VirtualCard> {
  return VirtualCard.load({ cardKey: card.cardKey, certificate: card.certificate, pin: card.pin, puk: card.puk });
}

async function signed(card: Issued, challenge: string): Promise<{ certificate: string; signature: string }> {
  const p = await (await chip(card)).presentation(card.pin, challenge);
  if (!('signature' in p)) throw new Error(`the chip refused: ${JSON.stringify(p)}`);
  return p;
}

const verify = (presentation: unknown, challenge: string | null, now = new Date()) =>
  verifyCardPresentation(testEnv, presentation as { certificate: string; signature: string }, challenge, now);

const pemBody = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
const derOf = (pem: string) => toBase64Url(Uint8Array.from(atob(pemBody(pem)), (c) => c.charCodeAt(0)));

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

function pemOf(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return `-----BEGIN CERTIFICATE-----\n${btoa(s).replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE-----\n`;
}

/** A CA of someone else's: its own key, and — to be sure names prove nothing — our CA's very name. */
async function foreignCa() {
  const keys = (await crypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const ours = new x509.X509Certificate(testEnv.CARD_CA_CERT!);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: ours.subjectName,
    keys,
    signingAlgorithm: ES256,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
  });
  return { keys, certificate };
}

/** A certificate for the card's own key, the card's subject and serial, signed by `signingKey` under `issuer`. */
async function forged(card: Issued, signingKey: CryptoKey, issuer: x509.Name) {
  const genuine = new x509.X509Certificate(card.certificate);
  const publicKey = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: card.cardKey.x, y: card.cardKey.y }, EC, true, ['verify']);
  return x509.X509CertificateGenerator.create({
    serialNumber: genuine.serialNumber,
    subject: genuine.subjectName,
    issuer,
    notBefore: genuine.notBefore,
    notAfter: genuine.notAfter,
    publicKey,
    signingKey,
    signingAlgorithm: ES256,
  });
}

describe('verifyCardPresentation: a right presentation (R-LVL-3, docs/level3.md)', () => {
  it('R-LVL-3: the issued certificate and a signature over this challenge: ok, with the serial and the card', async () => {
    const card = await issue();
    const challenge = randomId();
    const result = await verify(await signed(card, challenge), challenge);
    expect(result).toMatchObject({ ok: true, serial: card.serial });
    if (result.ok) expect(result.card.serial).toBe(card.serial);
  });

  it('R-LVL-3: the certificate as base64url DER is the same certificate', async () => {
    const card = await issue();
    const challenge = randomId();
    const p = await signed(card, challenge);
    expect(await verify({ ...p, certificate: derOf(card.certificate) }, challenge)).toMatchObject({ ok: true });
  });

  it('R-LVL-3: an RSA card key signs RS256', async () => {
    const rsa = (await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const pub = (await crypto.subtle.exportKey('jwk', rsa.publicKey)) as JsonWebKey;
    const priv = (await crypto.subtle.exportKey('jwk', rsa.privateKey)) as JsonWebKey;
    const card = await issue({ ...newCitizen(), publicKey: { kty: 'RSA', n: pub.n, e: pub.e } });
    const challenge = randomId();
    const p = await signed({ ...card, cardKey: priv }, challenge);
    expect(fromBase64Url(p.signature)).toHaveLength(256);
    expect(await verify(p, challenge)).toMatchObject({ ok: true, serial: card.serial });
  });

  it('R-LOG-6: a reader presents the certificate only (the TLS handshake proved possession): checks 1–6', async () => {
    const card = await issue();
    expect(await verify({ certificate: card.certificate }, null)).toMatchObject({ ok: true, serial: card.serial });
  });

  it('R-L3-2: a card whose holder never activated level 1/2 credentials signs all the same', async () => {
    const card = await issue();
    const challenge = randomId();
    const result = await verify(await signed(card, challenge), challenge);
    expect(result.ok && result.card.status).toBe('issued');
  });
});

describe('verifyCardPresentation: check 1, certificate_malformed — any size, any bytes, never a throw', () => {
  it('R-LVL-3: not a string, empty, or no certificate at all', async () => {
    for (const certificate of [undefined, null, 42, {}, [], '', ' ', true]) {
      expect(await verify({ certificate, signature: 'AAAA' }, randomId()), String(certificate)).toEqual({ ok: false, reason: 'certificate_malformed' });
    }
    for (const presentation of [null, undefined, 'x', 7, []]) {
      expect(await verify(presentation, randomId())).toEqual({ ok: false, reason: 'certificate_malformed' });
    }
  });

  it('R-LVL-3: random bytes of every size, as PEM and as base64url DER, and text that is neither', async () => {
    for (const size of [1, 2, 3, 16, 100, 600, 1000, 4096, 6000, 6144, 6145, 8192, 100_000, 1_000_000]) {
      const bytes = randomBytes(size);
      bytes[0] = 0x30; // a SEQUENCE, as a certificate starts
      for (const certificate of [pemOf(bytes), toBase64Url(bytes)]) {
        const result = await verify({ certificate, signature: 'AAAA' }, randomId());
        expect(result, `${size} bytes`).toEqual({ ok: false, reason: 'certificate_malformed' });
      }
    }
    for (const certificate of [
      '-----BEGIN CERTIFICATE-----',
      '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----',
      'é'.repeat(100),
      'A',
      'x'.repeat(8193),
    ]) {
      expect(await verify({ certificate }, null)).toEqual({ ok: false, reason: 'certificate_malformed' });
    }
  });

  it('R-LVL-3: a real certificate cut short, with bytes appended, or nested 10,000 deep', async () => {
    const card = await issue();
    const der = fromBase64Url(derOf(card.certificate));
    for (const cut of [1, 10, 100, der.length - 1]) {
      expect(await verify({ certificate: toBase64Url(der.slice(0, cut)) }, null)).toEqual({ ok: false, reason: 'certificate_malformed' });
    }
    const appended = new Uint8Array([...der, 0x05, 0x00]);
    expect(await verify({ certificate: pemOf(appended) }, null)).toEqual({ ok: false, reason: 'certificate_malformed' });
    const deep = new Uint8Array(6000);
    for (let i = 0; i < deep.length; i += 2) deep.set([0x30, 0x80], i);
    expect(await verify({ certificate: toBase64Url(deep) }, null)).toEqual({ ok: false, reason: 'certificate_malformed' });
  });

  it('R-LVL-3: a real certificate with one bit flipped anywhere is refused for some reason, never accepted, never a throw', async () => {
    const card = await issue();
    const der = fromBase64Url(derOf(card.certificate));
    for (let i = 0; i < 300; i++) {
      const bent = der.slice();
      const at = Math.floor(Math.random() * bent.length);
      bent[at] = bent[at]! ^ (1 << Math.floor(Math.random() * 8));
      const result = await verify({ certificate: toBase64Url(bent) }, null);
      expect(result.ok, `byte ${at}`).toBe(false);
    }
  });
});

describe('verifyCardPresentation: check 2, certificate_untrusted', () => {
  it('R-LVL-3: self-signed by the card key, with the card subject and serial', async () => {
    const card = await issue();
    const signer = await crypto.subtle.importKey('jwk', card.cardKey, EC, false, ['sign']);
    const self = await forged(card, signer, new x509.X509Certificate(card.certificate).subjectName);
    expect(await verify({ certificate: self.toString('pem') }, null)).toEqual({ ok: false, reason: 'certificate_untrusted' });
  });

  it('R-LVL-3: issued by another CA, even one that took our CA name', async () => {
    const card = await issue();
    const other = await foreignCa();
    const cert = await forged(card, other.keys.privateKey, other.certificate.subjectName);
    const challenge = randomId();
    const p = await signed(card, challenge);
    expect(await verify({ ...p, certificate: cert.toString('pem') }, challenge)).toEqual({ ok: false, reason: 'certificate_untrusted' });
  });

  it("R-LVL-3: the CA's own certificate is no card's, though it verifies under the CA's key", async () => {
    expect(await verify({ certificate: testEnv.CARD_CA_CERT }, null)).toEqual({ ok: false, reason: 'certificate_untrusted' });
  });
});

describe('verifyCardPresentation: check 3, certificate_expired', () => {
  it('R-CARD-2: a second past notAfter, or before notBefore', async () => {
    const card = await issue();
    const cert = new x509.X509Certificate(card.certificate);
    const challenge = randomId();
    const p = await signed(card, challenge);
    expect(await verify(p, challenge, new Date(cert.notAfter.getTime() + 1000))).toEqual({ ok: false, reason: 'certificate_expired' });
    expect(await verify(p, challenge, new Date(cert.notBefore.getTime() - 1000))).toEqual({ ok: false, reason: 'certificate_expired' });
    // Its last second still counts.
    expect(await verify(p, challenge, cert.notAfter)).toMatchObject({ ok: true });
  });
});

describe('verifyCardPresentation: check 4, card_unknown', () => {
  it('R-LVL-3: a certificate of our CA naming a serial no card has', async () => {
    const keys = (await crypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
    const issued = await issueCardCertificate(testEnv, {
      holder: { givenName: 'Nessuno', familyName: 'Ignoto', fiscalCode: 'GNTNSN80A01H501X' },
      serial: 'ZZ99999ZZ',
      issuedAt: Date.now(),
      expiresAt: Date.now() + 365 * 86400_000,
      publicKey: keys.publicKey,
    });
    expect(await verify({ certificate: issued.pem }, null)).toEqual({ ok: false, reason: 'card_unknown' });
  });

  it("R-LVL-3: a second certificate of our CA for an existing card's serial is not the card's", async () => {
    const card = await issue();
    const keys = (await crypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
    const view = (await cardStub(card.serial).view())!;
    const other = await issueCardCertificate(testEnv, {
      holder: view,
      serial: card.serial,
      issuedAt: view.issuedAt,
      expiresAt: view.expiresAt,
      publicKey: keys.publicKey,
    });
    expect(await verify({ certificate: other.pem }, null)).toEqual({ ok: false, reason: 'card_unknown', serial: card.serial });
  });
});

describe('verifyCardPresentation: check 5, the card refused (R-CARD-3, R-CARD-4, R-CARD-7, R-PUK-3)', () => {
  it('R-CARD-3: a blocked card', async () => {
    const card = await issue();
    const challenge = randomId();
    const p = await signed(card, challenge);
    await registry(`/cards/${card.serial}/block`, { reason: 'lost' });
    expect(await verify(p, challenge)).toEqual({ ok: false, reason: 'blocked', serial: card.serial });
  });

  it('R-CARD-7: a superseded card (its holder has a newer one)', async () => {
    const citizen = newCitizen();
    const card = await issue(citizen);
    await issue({ ...citizen });
    const challenge = randomId();
    expect(await verify(await signed(card, challenge), challenge)).toEqual({ ok: false, reason: 'superseded', serial: card.serial });
  });

  it('R-PUK-3: a card blocked for good by wrong PUKs', async () => {
    const card = await issue();
    const wrong = (d: string) => String((Number(d) + 1) % 10);
    for (let i = 0; i <= PUK_MAX_WRONG; i++) await cardStub(card.serial).answerPuk([0, 1], [wrong(card.puk[0]!), wrong(card.puk[1]!)]);
    const challenge = randomId();
    expect(await verify(await signed(card, challenge), challenge)).toEqual({ ok: false, reason: 'puk_blocked', serial: card.serial });
  });

  it('R-CARD-2: an expired card — whose certificate, ending with it, is expired first', async () => {
    const card = await issue();
    const view = (await cardStub(card.serial).view())!;
    const after = new Date(certificateNotAfter(view.expiresAt).getTime() + 1000);
    expect(await verify({ certificate: card.certificate }, null, after)).toEqual({ ok: false, reason: 'certificate_expired' });
    // A Card object whose own expiry is past while the certificate it keeps is not (a record from
    // elsewhere): the card's state is checked apart from the certificate's dates.
    const serial = 'CA98765XY';
    const keys = (await crypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
    const cert = await issueCardCertificate(testEnv, { holder: view, serial, issuedAt: Date.now(), expiresAt: view.expiresAt, publicKey: keys.publicKey });
    await cardStub(serial).issue({
      ...view,
      serial,
      publicKey: null,
      expiresAt: Date.UTC(2020, 0, 1),
      sealedPin: 'x',
      sealedPuk: 'x',
      certificate: cert.der,
      certificateFingerprint: cert.fingerprint,
    });
    expect(await verify({ certificate: cert.pem }, null)).toEqual({ ok: false, reason: 'expired', serial });
  });

  it('R-CARD-4: a minor (5 to 18) never uses the card; under 5, no digital identity at all', async () => {
    const teen = await issue(newCitizen({ age: 16 }));
    const challenge = randomId();
    expect(await verify(await signed(teen, challenge), challenge)).toEqual({ ok: false, reason: 'level3_minor', serial: teen.serial });
    const child = await issue(newCitizen({ age: 3 }));
    expect(await verify({ certificate: child.certificate }, null)).toEqual({ ok: false, reason: 'underage', serial: child.serial });
  });
});

describe('verifyCardPresentation: check 7, signature_invalid', () => {
  it("R-LVL-3: a signature over another flow's challenge, by another key, or of the wrong form", async () => {
    const card = await issue();
    const challenge = randomId();
    const right = await signed(card, challenge);
    const other = await signed(card, randomId());
    const stranger = (await crypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
    const message = new TextEncoder().encode(`cieid-card-auth:v1:${challenge}`);
    const byStranger = toBase64Url(new Uint8Array(await crypto.subtle.sign(ES256, stranger.privateKey, message)));
    const signer = await crypto.subtle.importKey('jwk', card.cardKey, EC, false, ['sign']);
    // The bare challenge, without the domain prefix, is not what the card signs.
    const bare = toBase64Url(new Uint8Array(await crypto.subtle.sign(ES256, signer, new TextEncoder().encode(challenge))));
    const raw = fromBase64Url(right.signature);
    for (const signature of [
      other.signature,
      byStranger,
      bare,
      toBase64Url(raw.slice(0, 63)),
      toBase64Url(new Uint8Array([...raw, 0])),
      toBase64Url(new Uint8Array(64)),
      `${right.signature}=`,
      right.signature.replace(/[A-Za-z]/, (c) => (c === 'A' ? 'B' : 'A')),
      '',
      'A',
      '!!!!',
      'A'.repeat(1025),
      undefined,
      null,
      42,
      { r: 1 },
    ]) {
      // No serial: a refusal for a bad signature is not the holder's to read in the access log.
      expect(await verify({ certificate: right.certificate, signature }, challenge), String(signature).slice(0, 20)).toEqual({
        ok: false,
        reason: 'signature_invalid',
      });
    }
    // The right one still verifies: nothing above consumed it (single use is the flow's).
    expect(await verify(right, challenge)).toMatchObject({ ok: true });
  });

  it('R-LVL-3: a presentation without a signature, where a challenge was issued, is refused', async () => {
    const card = await issue();
    expect(await verify({ certificate: card.certificate }, randomId())).toEqual({ ok: false, reason: 'signature_invalid' });
  });
});
