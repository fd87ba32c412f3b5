import { type JsonWebKey, X509Certificate, generateKeyPairSync, webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppCard, type CardContents, lastFourDigits, VirtualCard } from '../src/actors/card.ts';
import { EC_CARD_KEY, EC_CERTIFICATE, OTHER_CERTIFICATE, RSA_CARD_KEY, RSA_CERTIFICATE } from './support/card-fixtures.ts';

const PIN = '12345678';
const PUK = '87654321';
const NEW_PIN = '24681357';
const CHALLENGE = 'q3Bv0yJtZkQb8mD1xN7uLc2WfH5sRa9PeGiTo4YjKlM';

const contents = (over: Partial<CardContents> = {}): CardContents => ({ cardKey: EC_CARD_KEY, certificate: EC_CERTIFICATE, pin: PIN, puk: PUK, ...over });
const load = (over: Partial<CardContents> = {}) => VirtualCard.load(contents(over));

/** What the server does (docs/level3.md, "What the card signs"), written here again so the chip is checked against the contract, not itself. */
async function verifies(publicKey: JsonWebKey, challenge: string, signature: string): Promise<boolean> {
  const ec = publicKey.kty === 'EC';
  const key = await webcrypto.subtle.importKey(
    'jwk',
    publicKey,
    ec ? { name: 'ECDSA', namedCurve: 'P-256' } : { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  const message = new TextEncoder().encode(`cieid-card-auth:v1:${challenge}`);
  return webcrypto.subtle.verify(ec ? { name: 'ECDSA', hash: 'SHA-256' } : { name: 'RSASSA-PKCS1-v1_5' }, key, Buffer.from(signature, 'base64url'), message);
}

const certificateKey = (pem: string) => new X509Certificate(pem).publicKey.export({ format: 'jwk' });

async function signature(card: VirtualCard, pin = PIN, challenge = CHALLENGE): Promise<string> {
  const out = await card.sign(pin, challenge);
  if (typeof out !== 'string') throw new Error(`refused: ${JSON.stringify(out)}`);
  return out;
}

describe('the virtual card signs what the server checks', () => {
  it.each([
    ['EC P-256, ES256: the raw 64-byte r‖s', EC_CARD_KEY, EC_CERTIFICATE, 64],
    ['RSA 2048, RS256: PKCS#1 v1.5', RSA_CARD_KEY, RSA_CERTIFICATE, 256],
  ])('%s, over "cieid-card-auth:v1:<challenge>", verified with the JWK public part and with the certificate key', async (_, cardKey, certificate, length) => {
    const card = await load({ cardKey, certificate });
    const sig = await signature(card);
    expect(Buffer.from(sig, 'base64url')).toHaveLength(length);
    expect(sig).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(card.publicKey).not.toHaveProperty('d');
    expect(card.algorithm).toBe(cardKey.kty === 'EC' ? 'ES256' : 'RS256');
    expect(await verifies(card.publicKey, CHALLENGE, sig)).toBe(true);
    expect(await verifies(certificateKey(certificate), CHALLENGE, sig)).toBe(true);
    expect(await verifies(card.publicKey, `${CHALLENGE.slice(0, -1)}N`, sig)).toBe(false);
  });

  it('a presentation is the certificate as issued and a signature over this challenge', async () => {
    const card = await load();
    const p = await card.presentation(PIN, CHALLENGE);
    if ('refused' in p) throw new Error('refused');
    expect(p.certificate).toBe(EC_CERTIFICATE);
    expect(await verifies(card.publicKey, CHALLENGE, p.signature)).toBe(true);
  });

  it('ignores the JWK members WebCrypto would trip on (alg, key_ops, ext)', async () => {
    const card = await load({ cardKey: { ...EC_CARD_KEY, alg: 'ES256', key_ops: ['verify'], ext: false } });
    expect(await verifies(card.publicKey, CHALLENGE, await signature(card))).toBe(true);
  });

  it('no chip holds contents that do not fit: a certificate of another key, another curve, codes not of 8 digits, no PEM', async () => {
    await expect(load({ certificate: OTHER_CERTIFICATE })).rejects.toThrow(/public key/);
    await expect(load({ cardKey: EC_CARD_KEY, certificate: RSA_CERTIFICATE })).rejects.toThrow(/public key/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' });
    await expect(load({ cardKey: p384 })).rejects.toThrow(/EC P-256 or RSA/);
    await expect(load({ pin: '1234567' })).rejects.toThrow(/8 digits/);
    await expect(load({ puk: '1234567a' })).rejects.toThrow(/8 digits/);
    await expect(load({ certificate: 'not a certificate' })).rejects.toThrow();
  });
});

describe('the PIN counter (R-L3-3)', () => {
  it('two wrong PINs leave the PIN usable; the 3rd in a row blocks it, even for the right PIN', async () => {
    const card = await load();
    expect(await card.sign('00000000', CHALLENGE)).toEqual({ refused: 'wrong_pin', remaining: 2 });
    expect(await card.sign('11111111', CHALLENGE)).toEqual({ refused: 'wrong_pin', remaining: 1 });
    expect(card.pinBlocked).toBe(false);
    expect(await card.sign('22222222', CHALLENGE)).toEqual({ refused: 'pin_blocked' });
    expect(card.pinBlocked).toBe(true);
    expect(await card.sign(PIN, CHALLENGE)).toEqual({ refused: 'pin_blocked' });
    expect(await card.presentation(PIN, CHALLENGE)).toEqual({ refused: 'pin_blocked' });
  });

  it('exactly 2 wrong PINs, then the right one signs; a right PIN starts the count again', async () => {
    const card = await load();
    for (let round = 0; round < 3; round++) {
      expect(await card.sign('00000000', CHALLENGE)).toEqual({ refused: 'wrong_pin', remaining: 2 });
      expect(await card.sign('00000000', CHALLENGE)).toEqual({ refused: 'wrong_pin', remaining: 1 });
      expect(await verifies(card.publicKey, CHALLENGE, await signature(card))).toBe(true);
    }
  });
});

describe('Sblocco carta: the PUK (R-PUK-1, R-PUK-3)', () => {
  const blocked = async () => {
    const card = await load();
    for (let i = 0; i < 3; i++) await card.sign('00000000', CHALLENGE);
    expect(card.pinBlocked).toBe(true);
    return card;
  };

  it('the right PUK unblocks the PIN, sets the new one and gives it 3 tries again; the old PIN is a wrong one', async () => {
    const card = await blocked();
    expect(card.unblock(PUK, NEW_PIN)).toEqual({ unblocked: true });
    expect(card.pinBlocked).toBe(false);
    expect(await card.sign(PIN, CHALLENGE)).toEqual({ refused: 'wrong_pin', remaining: 2 });
    expect(await verifies(card.publicKey, CHALLENGE, await signature(card, NEW_PIN))).toBe(true);
  });

  it('a new PIN must be 8 digits; refusing it costs no PUK try and leaves the PIN blocked', async () => {
    const card = await blocked();
    for (const bad of ['1234567', '123456789', '1234567a', '']) expect(card.unblock(PUK, bad)).toEqual({ refused: 'new_pin_malformed' });
    expect(card.unblock('00000000', NEW_PIN)).toEqual({ refused: 'wrong_puk', remaining: 10 });
    expect(card.pinBlocked).toBe(true);
  });

  it('10 wrong PUKs do not block the chip: the right PUK still unblocks', async () => {
    const card = await blocked();
    for (let i = 1; i <= 10; i++) expect(card.unblock('00000000', NEW_PIN)).toEqual({ refused: 'wrong_puk', remaining: 11 - i });
    expect(card.chipBlocked).toBe(false);
    expect(card.unblock(PUK, NEW_PIN)).toEqual({ unblocked: true });
    expect(typeof (await card.sign(NEW_PIN, CHALLENGE))).toBe('string');
  });

  it('the 11th wrong PUK blocks the chip for good: every later call is refused, the right PUK and PIN too', async () => {
    const card = await load();
    for (let i = 0; i < 10; i++) card.unblock('00000000', NEW_PIN);
    expect(card.unblock('00000000', NEW_PIN)).toEqual({ refused: 'chip_blocked' });
    expect(card.chipBlocked).toBe(true);
    expect(card.unblock(PUK, NEW_PIN)).toEqual({ refused: 'chip_blocked' });
    expect(card.unblock(PUK, 'bad')).toEqual({ refused: 'chip_blocked' });
    expect(await card.sign(PIN, CHALLENGE)).toEqual({ refused: 'chip_blocked' });
    expect(await card.presentation(PIN, CHALLENGE)).toEqual({ refused: 'chip_blocked' });
    expect(await new AppCard(card, PIN).unlockWithLastFour(lastFourDigits(PIN), CHALLENGE)).toEqual({ refused: 'chip_blocked' });
  });

  it('wrong PUKs add up over the card’s life: a right PUK in between does not take them back', async () => {
    const card = await load();
    for (let i = 0; i < 10; i++) card.unblock('00000000', NEW_PIN);
    expect(card.unblock(PUK, NEW_PIN)).toEqual({ unblocked: true });
    expect(card.unblock('00000000', PIN)).toEqual({ refused: 'chip_blocked' });
  });
});

describe('the App asks only for the last 4 PIN digits after registration (R-L3-1)', () => {
  it('lastFourDigits', () => {
    expect(lastFourDigits(PIN)).toBe('5678');
  });

  it('the right 4 digits unlock the chip with the full PIN', async () => {
    const app = new AppCard(await load(), PIN);
    const p = await app.unlockWithLastFour('5678', CHALLENGE);
    if ('refused' in p) throw new Error('refused');
    expect(p.certificate).toBe(EC_CERTIFICATE);
    expect(await verifies(app.card.publicKey, CHALLENGE, p.signature)).toBe(true);
  });

  it('wrong digits count against the chip’s PIN counter: the 3rd blocks the PIN for the full PIN too', async () => {
    const card = await load();
    const app = new AppCard(card, PIN);
    expect(await app.unlockWithLastFour('0000', CHALLENGE)).toEqual({ refused: 'wrong_pin', remaining: 2 });
    expect(await card.sign('00000000', CHALLENGE)).toEqual({ refused: 'wrong_pin', remaining: 1 });
    expect(await app.unlockWithLastFour('567', CHALLENGE)).toEqual({ refused: 'pin_blocked' });
    expect(await card.sign(PIN, CHALLENGE)).toEqual({ refused: 'pin_blocked' });
    expect(await app.unlockWithLastFour('5678', CHALLENGE)).toEqual({ refused: 'pin_blocked' });
  });
});
