import { type JsonWebKey, X509Certificate, webcrypto } from 'node:crypto';

/**
 * The virtual CIE chip (docs/level3.md, "The virtual card"): the card key, its authentication
 * certificate, the PIN and PUK and their counters, kept the way the chip keeps them, so the PIN never
 * leaves it and the server only ever sees a signature and the certificate.
 *
 * test/support/virtual-card.ts is the same chip for the workerd tests: the harness imports nothing
 * from the service's tree and the tests nothing from the harness, so each keeps its own short copy.
 */

/** What the registry's 201 hands over when it generated the card's key: the chip's contents. */
export interface CardContents {
  cardKey: JsonWebKey;
  certificate: string;
  pin: string;
  puk: string;
}

/** R-L3-3: the 3rd wrong PIN in a row blocks the PIN. */
export const PIN_TRIES = 3;
/** R-PUK-3: more than 10 wrong PUKs block the chip for good; the 11th blocks, the 10th does not. */
export const PUK_MAX_WRONG = 10;
/** docs/level3.md, "What the card signs": the server rebuilds these bytes around its own challenge. */
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
const pick = (jwk: JsonWebKey, names: (keyof JsonWebKey)[]): JsonWebKey => Object.fromEntries(names.map((n) => [n, jwk[n]]));

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
  private readonly key: webcrypto.CryptoKey;
  private readonly signAs: { name: string; hash?: string };
  private wrongPins = 0;
  private wrongPuks = 0;

  private constructor(contents: CardContents, key: webcrypto.CryptoKey, shape: ReturnType<typeof keyShape>) {
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
    const key = await webcrypto.subtle.importKey('jwk', pick(contents.cardKey, shape.privateNames), shape.importAs, false, ['sign']);
    const certified = new X509Certificate(contents.certificate).publicKey.export({ format: 'jwk' });
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
    const signature = await webcrypto.subtle.sign(this.signAs, this.key, new TextEncoder().encode(CARD_AUTH_PREFIX + challenge));
    return Buffer.from(signature).toString('base64url');
  }

  async presentation(pin: string, challenge: string): Promise<CardPresentation | CardRefusal> {
    const signature = await this.sign(pin, challenge);
    return typeof signature === 'string' ? { certificate: this.certificate, signature } : signature;
  }

  /**
   * "Sblocco carta" (R-PUK-1, R-L3-3). Wrong PUKs add up over the card's life and a right one does
   * not take them back: R-PUK-3 counts every wrong PUK, as the server's counter does.
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
