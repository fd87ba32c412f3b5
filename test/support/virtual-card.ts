import { PUK_MAX_WRONG } from '../../functions/core/puk-challenge';
import { fromBase64Url, toBase64Url, utf8 } from '../../functions/platform/encoding';

/**
 * The virtual CIE chip for the workerd tests (docs/level3.md, "The virtual card"): key, certificate,
 * PIN and PUK with the chip's counters. harness/src/actors/card.ts is the same chip for the harness,
 * which imports nothing from this tree, so the two are short twins; change them together. workerd's
 * types know no node:crypto, so this one finds the certificate's key by walking its DER.
 */

/** What the registry's 201 hands over when it generated the card's key: the chip's contents. */
export interface CardContents {
  cardKey: JsonWebKey;
  certificate: string;
  pin: string;
  puk: string;
}

/** R-L3-3: the 3rd wrong PIN in a row blocks the PIN. R-PUK-3 (PUK_MAX_WRONG): the 11th wrong PUK blocks the chip. */
export const PIN_TRIES = 3;
/** The contract's bytes (docs/level3.md, "What the card signs"), written out rather than taken from core/card-auth.ts, so a change there cannot move the chip along with the server. */
export const CARD_AUTH_PREFIX = 'cieid-card-auth:v1:';

/** A refusal names the state the try left the chip in: `remaining` is never 0, the try that blocks answers the block. */
export type CardRefusal = { refused: 'wrong_pin'; remaining: number } | { refused: 'pin_blocked' } | { refused: 'chip_blocked' };
export type UnblockResult = { unblocked: true } | { refused: 'wrong_puk'; remaining: number } | { refused: 'new_pin_malformed' } | { refused: 'chip_blocked' };
export interface CardPresentation {
  certificate: string;
  signature: string;
}

const EIGHT_DIGITS = /^\d{8}$/;

// Only the members WebCrypto needs: a registry JWK's alg or key_ops must not make the import fail.
const pick = (jwk: JsonWebKey, names: (keyof JsonWebKey)[]): JsonWebKey => ({ kty: jwk.kty, ...Object.fromEntries(names.map((n) => [n, jwk[n]])) });

/** RFC 5280, 4.1: SubjectPublicKeyInfo is tbsCertificate's 7th field, after the optional [0] version and five more. */
function certificateSpki(pem: string): Uint8Array<ArrayBuffer> {
  const der = fromBase64Url(pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''));
  const element = (at: number) => {
    let length = der[at + 1] ?? 0;
    let body = at + 2;
    if (length & 0x80) {
      const n = length & 0x7f;
      if (n < 1 || n > 3) throw new Error('certificate: bad DER length');
      length = 0;
      for (let i = 0; i < n; i++) length = length * 256 + (der[body++] ?? 0);
    }
    if (der[at] === undefined || body + length > der.length) throw new Error('certificate: truncated DER');
    return { at, body, end: body + length };
  };
  let field = element(element(element(0).body).body);
  if (der[field.at] === 0xa0) field = element(field.end);
  for (let i = 0; i < 5; i++) field = element(field.end);
  if (der[field.at] !== 0x30) throw new Error('certificate: no SubjectPublicKeyInfo');
  return new Uint8Array(der.subarray(field.at, field.end));
}

function keyShape(jwk: JsonWebKey) {
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') {
    return {
      importAs: { name: 'ECDSA', namedCurve: 'P-256' },
      signAs: { name: 'ECDSA', hash: 'SHA-256' },
      publicNames: ['kty', 'crv', 'x', 'y'] as (keyof JsonWebKey)[],
      privateNames: ['kty', 'crv', 'x', 'y', 'd'] as (keyof JsonWebKey)[],
    };
  }
  if (jwk.kty === 'RSA') {
    return {
      importAs: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      signAs: { name: 'RSASSA-PKCS1-v1_5' },
      publicNames: ['kty', 'n', 'e'] as (keyof JsonWebKey)[],
      privateNames: ['kty', 'n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as (keyof JsonWebKey)[],
    };
  }
  throw new Error(`the card key must be EC P-256 or RSA, not ${jwk.kty}${jwk.crv ? ` ${jwk.crv}` : ''}`);
}

export class VirtualCard {
  readonly certificate: string;
  /** The public part of the card key: what the certificate must carry and a signature verifies with. */
  readonly publicKey: JsonWebKey;
  readonly algorithm: 'ES256' | 'RS256';
  private pin: string;
  private readonly puk: string;
  private readonly key: CryptoKey;
  private readonly signAs: { name: string; hash?: string };
  private wrongPins = 0;
  private wrongPuks = 0;

  private constructor(contents: CardContents, key: CryptoKey, shape: ReturnType<typeof keyShape>) {
    this.certificate = contents.certificate;
    this.publicKey = pick(contents.cardKey, shape.publicNames);
    this.algorithm = contents.cardKey.kty === 'EC' ? 'ES256' : 'RS256';
    this.pin = contents.pin;
    this.puk = contents.puk;
    this.key = key;
    this.signAs = shape.signAs;
  }

  /** Refuses contents no chip could hold: codes not of 8 digits, a certificate for another key. */
  static async load(contents: CardContents): Promise<VirtualCard> {
    if (!EIGHT_DIGITS.test(contents.pin) || !EIGHT_DIGITS.test(contents.puk)) throw new Error('PIN and PUK are 8 digits each');
    const shape = keyShape(contents.cardKey);
    const key = await crypto.subtle.importKey('jwk', pick(contents.cardKey, shape.privateNames), shape.importAs, false, ['sign']);
    const spki = await crypto.subtle.importKey('spki', certificateSpki(contents.certificate), shape.importAs, true, ['verify']);
    const certified = (await crypto.subtle.exportKey('jwk', spki)) as JsonWebKey;
    if (shape.publicNames.some((n) => certified[n] !== contents.cardKey[n])) throw new Error("the certificate does not carry the card's public key");
    return new VirtualCard(contents, key, shape);
  }

  get pinBlocked(): boolean {
    return this.wrongPins >= PIN_TRIES;
  }

  get chipBlocked(): boolean {
    return this.wrongPuks > PUK_MAX_WRONG;
  }

  /** The chip's VERIFY: a right PIN resets the counter, as on the card; a blocked PIN refuses even the right one. */
  private verifyPin(pin: string): CardRefusal | null {
    if (this.chipBlocked) return { refused: 'chip_blocked' };
    if (this.pinBlocked) return { refused: 'pin_blocked' };
    if (pin === this.pin) {
      this.wrongPins = 0;
      return null;
    }
    this.wrongPins++;
    return this.pinBlocked ? { refused: 'pin_blocked' } : { refused: 'wrong_pin', remaining: PIN_TRIES - this.wrongPins };
  }

  /** ES256 signatures come as WebCrypto's raw 64-byte r‖s, RS256 as PKCS#1 v1.5; both base64url. */
  async sign(pin: string, challenge: string): Promise<string | CardRefusal> {
    const refusal = this.verifyPin(pin);
    if (refusal) return refusal;
    return toBase64Url(new Uint8Array(await crypto.subtle.sign(this.signAs, this.key, utf8(CARD_AUTH_PREFIX + challenge))));
  }

  async presentation(pin: string, challenge: string): Promise<CardPresentation | CardRefusal> {
    const signature = await this.sign(pin, challenge);
    return typeof signature === 'string' ? { certificate: this.certificate, signature } : signature;
  }

  /**
   * "Sblocco carta" (R-PUK-1, R-L3-3). Wrong PUKs add up over the card's life and a right one does
   * not take them back: R-PUK-3 counts every wrong PUK, as the Card object's counter does.
   */
  unblock(puk: string, newPin: string): UnblockResult {
    if (this.chipBlocked) return { refused: 'chip_blocked' };
    if (!EIGHT_DIGITS.test(newPin)) return { refused: 'new_pin_malformed' };
    if (puk !== this.puk) {
      this.wrongPuks++;
      return this.chipBlocked ? { refused: 'chip_blocked' } : { refused: 'wrong_puk', remaining: PUK_MAX_WRONG + 1 - this.wrongPuks };
    }
    this.pin = newPin;
    this.wrongPins = 0;
    return { unblocked: true };
  }
}

/** R-L3-1: what the App asks for after the card is registered. */
export const lastFourDigits = (pin: string): string => pin.slice(-4);

/**
 * The App's side of a registered card (R-L3-1): registration took the full PIN; from then on the App
 * asks only for its last 4 digits. It hands the chip its first 4 followed by the digits typed, which
 * is the full PIN exactly when they match, and otherwise a wrong PIN the chip counts like any other.
 */
export class AppCard {
  readonly card: VirtualCard;
  private readonly firstFour: string;

  constructor(card: VirtualCard, fullPin: string) {
    this.card = card;
    this.firstFour = fullPin.slice(0, 4);
  }

  unlockWithLastFour(digits: string, challenge: string): Promise<CardPresentation | CardRefusal> {
    return this.card.presentation(this.firstFour + digits, challenge);
  }
}
