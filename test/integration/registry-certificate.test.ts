import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, registry } from '../support/worker';
import { type CitizenData, newCitizen } from '../support/citizens';
import { cardStub, cardView } from '../support/activation-state';
import { VirtualCard } from '../support/virtual-card';
import { issueCard, pukDigits, walkTo } from '../support/activation-client';
import { PUK_MAX_WRONG } from '../../functions/core/puk-challenge';

interface Issued {
  serial: string;
  pin: string;
  puk: string;
  expiresAt: string;
  certificate: string;
  cardKey?: JsonWebKey;
}

async function issue(body: CitizenData | Record<string, unknown> = newCitizen()): Promise<Issued> {
  const res = await registry('/cards', body);
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Issued;
}

const ca = () => new x509.X509Certificate(env.CARD_CA_CERT!);

async function crl(): Promise<{ res: Response; crl: x509.X509Crl; bytes: Uint8Array }> {
  const res = await call('/registry/crl');
  expect(res.status).toBe(200);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { res, crl: new x509.X509Crl(bytes), bytes };
}

const certSerial = (serial: string) => [...serial].map((c) => c.charCodeAt(0).toString(16)).join('');

async function jwkOfCertificate(pem: string): Promise<JsonWebKey> {
  const key = await new x509.X509Certificate(pem).publicKey.export({ name: 'ECDSA', namedCurve: 'P-256' }, ['verify']);
  return (await crypto.subtle.exportKey('jwk', key)) as JsonWebKey;
}

describe('registry API: the card certificate (R-LVL-3, docs/level3.md)', () => {
  it('R-LVL-3: the 201 carries the certificate, signed by the CA, naming the holder and the card', async () => {
    const citizen = newCitizen();
    const card = await issue(citizen);
    const cert = new x509.X509Certificate(card.certificate);
    expect(await cert.verify({ publicKey: ca().publicKey, signatureOnly: true })).toBe(true);
    expect(cert.issuer).toBe(ca().subject);
    expect(cert.serialNumber).toBe(certSerial(card.serial));
    expect(cert.subjectName.getField('CN')).toEqual([`${citizen.givenName} ${citizen.familyName}`.toUpperCase()]);
    expect(cert.subjectName.getField('SN')).toEqual([citizen.familyName.toUpperCase()]);
    expect(cert.subjectName.getField('G')).toEqual([citizen.givenName.toUpperCase()]);
    expect(cert.subjectName.getField('2.5.4.5')).toEqual([`TINIT-${citizen.fiscalCode}`]);
    expect(cert.subjectName.getField('C')).toEqual(['IT']);
    // R-CARD-2: to the card's expiry day, in Rome (22:59:59 or 21:59:59 UTC).
    expect(cert.notAfter.toISOString()).toMatch(new RegExp(`^${card.expiresAt}T2[12]:59:59\\.000Z$`));
    expect(Math.abs(cert.notBefore.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('R-LVL-3: without a publicKey the registry draws the chip key and returns its private half once, as cardKey', async () => {
    const card = await issue();
    expect(card.cardKey).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(typeof card.cardKey!.d).toBe('string');
    const certified = await jwkOfCertificate(card.certificate);
    expect([certified.x, certified.y]).toEqual([card.cardKey!.x, card.cardKey!.y]);
    // The virtual chip accepts the contents: the certificate carries the key it holds.
    await VirtualCard.load({ cardKey: card.cardKey!, certificate: card.certificate, pin: card.pin, puk: card.puk });
    // Never again: the card's view and a reprint show no private key.
    const view = await registry(`/cards/${card.serial}`);
    expect(await view.text()).not.toContain(card.cardKey!.d!);
    const reprint = await registry(`/cards/${card.serial}/codes`, {});
    expect(await reprint.text()).not.toContain(card.cardKey!.d!);
  });

  it('R-LVL-3: with a publicKey (EC or RSA) the certificate carries that key, and no cardKey is returned', async () => {
    const ec = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const ecJwk = (await crypto.subtle.exportKey('jwk', ec.publicKey)) as JsonWebKey;
    const withEc = await issue({ ...newCitizen(), publicKey: { kty: 'EC', crv: 'P-256', x: ecJwk.x, y: ecJwk.y } });
    expect(withEc).not.toHaveProperty('cardKey');
    const certified = await jwkOfCertificate(withEc.certificate);
    expect([certified.x, certified.y]).toEqual([ecJwk.x, ecJwk.y]);

    const rsa = (await crypto.subtle.generateKey(
      { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
      true,
      ['sign', 'verify'],
    )) as CryptoKeyPair;
    const rsaJwk = (await crypto.subtle.exportKey('jwk', rsa.publicKey)) as JsonWebKey;
    const withRsa = await issue({ ...newCitizen(), publicKey: { kty: 'RSA', n: rsaJwk.n, e: rsaJwk.e } });
    expect(withRsa).not.toHaveProperty('cardKey');
    expect(new x509.X509Certificate(withRsa.certificate).publicKey.algorithm.name).toBe('RSASSA-PKCS1-v1_5');
  });

  it('R-LVL-3: a publicKey of the right shape that is no key (a point off the curve) is 400, and nothing was issued or claimed', async () => {
    const citizen = newCitizen();
    const res = await registry('/cards', { ...citizen, publicKey: { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'A'.repeat(43) } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { problems: unknown[] }).problems).toEqual([{ field: 'publicKey', message: 'chiave non utilizzabile' }]);
    // The phone was not taken by the refused request (R-CARD-5).
    await issue(citizen);
  });

  it('R-LVL-3: GET /registry/cards/{serial} shows the certificate as issued; the Card object keeps its DER and SHA-256', async () => {
    const card = await issue();
    const res = await registry(`/cards/${card.serial}`);
    expect(((await res.json()) as { certificate: string }).certificate).toBe(card.certificate);
    const view = await cardView(card.serial);
    const der = new Uint8Array(new x509.X509Certificate(card.certificate).rawData);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', der));
    expect(view.certificateFingerprint).toBe([...digest].map((b) => b.toString(16).padStart(2, '0')).join(''));
    expect(view.certificate).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('R-LVL-3: /.well-known/cie-ca.pem publishes the CA certificate, without a token', async () => {
    const res = await call('/.well-known/cie-ca.pem');
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/x-pem-file');
    const published = new x509.X509Certificate(new TextDecoder().decode(await res.arrayBuffer()));
    expect(new Uint8Array(published.rawData)).toEqual(new Uint8Array(ca().rawData));
    const card = await issue();
    expect(await new x509.X509Certificate(card.certificate).verify({ publicKey: published.publicKey, signatureOnly: true })).toBe(true);
  });
});

describe('registry API: the CRL (R-CARD-3, R-CARD-7, R-PUK-3)', () => {
  it('R-CARD-3: GET /registry/crl is public DER, signed by the CA, and lists no card in service', async () => {
    const card = await issue();
    const { res, crl: list } = await crl();
    expect(res.headers.get('Content-Type')).toBe('application/pkix-crl');
    expect(await list.verify({ publicKey: ca() })).toBe(true);
    expect(list.issuer).toBe(ca().subject);
    expect(list.nextUpdate!.getTime()).toBeGreaterThan(Date.now());
    expect(list.findRevoked(certSerial(card.serial))).toBeNull();
  });

  it('R-CARD-3: a blocked card is listed (keyCompromise) in the next CRL', async () => {
    const card = await issue();
    expect((await registry(`/cards/${card.serial}/block`, { reason: 'stolen' })).status).toBe(200);
    const entry = (await crl()).crl.findRevoked(certSerial(card.serial));
    expect(entry?.reason).toBe(x509.X509CrlReason.keyCompromise);
    expect(Math.abs(entry!.revocationDate.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('R-CARD-7: a renewal lists the old card (superseded), not the new one', async () => {
    const citizen = newCitizen();
    const old = await issue(citizen);
    const renewed = await issue({ ...citizen });
    const list = (await crl()).crl;
    expect(list.findRevoked(certSerial(old.serial))?.reason).toBe(x509.X509CrlReason.superseded);
    expect(list.findRevoked(certSerial(renewed.serial))).toBeNull();
  });

  it('R-CARD-3, R-CARD-7: a card blocked, then renewed, keeps its first line', async () => {
    const citizen = newCitizen();
    const old = await issue(citizen);
    await registry(`/cards/${old.serial}/block`, { reason: 'lost' });
    await issue({ ...citizen });
    expect((await crl()).crl.findRevoked(certSerial(old.serial))?.reason).toBe(x509.X509CrlReason.keyCompromise);
  });

  it('R-PUK-3: the activation answer that blocks the card for good lists it (privilegeWithdrawn)', async () => {
    const card = await issueCard();
    let { browser, page } = await walkTo(card, 'puk');
    for (let i = 0; i <= PUK_MAX_WRONG; i++) page = await browser.submit(page, 'Continua', pukDigits(page, card.puk, true));
    expect(page.status).toBe(403);
    expect((await cardView(card.serial)).status).toBe('puk_blocked');
    expect((await crl()).crl.findRevoked(certSerial(card.serial))?.reason).toBe(x509.X509CrlReason.privilegeWithdrawn);
  });

  it('R-CARD-3: the CRL is signed again only when the list changed — the same bytes until then', async () => {
    const first = await crl();
    const again = await crl();
    expect(again.bytes).toEqual(first.bytes);
    const card = await issue();
    await registry(`/cards/${card.serial}/block`, { reason: 'lost' });
    const after = await crl();
    expect(after.bytes).not.toEqual(first.bytes);
    expect(after.crl.thisUpdate.getTime()).toBeGreaterThanOrEqual(first.crl.thisUpdate.getTime());
    expect(new Uint8Array(after.crl.getExtension('2.5.29.20')!.value)).not.toEqual(new Uint8Array(first.crl.getExtension('2.5.29.20')!.value));
  });
});
