import { msToNextItalianMidnight } from './civil-date';
import { type CardStanding, type Refusal, loginRefusal } from './login-levels';
import { isSerial } from './serial';

/**
 * Level 3 (R-LVL-3, R-L3-1, R-LOG-4, R-LOG-5, R-LOG-6): the words of the card's own key and certificate
 * (docs/level3.md), as rules only — parsing, signing and verifying are platform/card-ca and
 * platform/card-auth.
 */

/** A challenge is 32 random bytes, base64url (as randomId makes them): what one flow issues and keeps. */
export const CARD_CHALLENGE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The domain separator: a signature made for this service's challenge cannot be passed off as
 * one over some other protocol's bytes that happen to look like a challenge, nor the reverse.
 */
export const CARD_SIGNED_PREFIX = 'cieid-card-auth:v1:';

/** The bytes the card signs for a challenge. Throws on anything that is not a challenge: the server's own value. */
export function cardSignedMessage(challenge: string): Uint8Array {
  if (!CARD_CHALLENGE_SHAPE.test(challenge)) throw new RangeError('cardSignedMessage: not a challenge');
  return new TextEncoder().encode(`${CARD_SIGNED_PREFIX}${challenge}`);
}

/** What a presentation may weigh before anything parses it: a certificate fits in far less, a signature too. */
export const CARD_CERTIFICATE_MAX_CHARS = 8 * 1024;
export const CARD_SIGNATURE_MAX_CHARS = 1024;

/** A card presentation as it travels: the certificate (PEM or base64url DER) and the signature (base64url). */
export interface CardPresentation {
  certificate: string;
  signature: string;
}

/** A smart-card reader (R-LOG-6) proves possession in the TLS handshake: the certificate only. */
export interface CardCertificateOnly {
  certificate: string;
}

/**
 * Why a card presentation is refused, in the order the checks run (docs/level3.md, checks 1–7).
 * The card's own refusals (R-CARD-3, R-CARD-4, R-CARD-7, R-PUK-3) keep the words login uses, so a citizen
 * reads the same sentence whichever way the card was refused.
 */
export type CardAuthReason =
  | 'certificate_malformed'
  | 'certificate_untrusted'
  | 'certificate_expired'
  | 'card_unknown'
  | Refusal
  | 'level3_suspended'
  | 'signature_invalid';

/**
 * Checks 5 and 6: the card as the Card object tells it. `level3Suspended` is the holder's own
 * choice (R-ACC-4, personal area); a card whose object does not say is not suspended.
 */
export function cardAuthRefusal(card: CardStanding & { level3Suspended?: boolean }, now: Date): CardAuthReason | null {
  const refusal = loginRefusal(card, 3, now);
  if (refusal) return refusal;
  return card.level3Suspended === true ? 'level3_suspended' : null;
}

// ——— The certificate profile ———

/** X.520 serialNumber: the holder's national identifier (ETSI EN 319 412-1: `TINIT-` + codice fiscale). */
export const SUBJECT_SERIAL_NUMBER_OID = '2.5.4.5';

export type SubjectAttribute = 'CN' | 'SN' | 'G' | 'serialNumber' | 'C';

export interface CertificateHolder {
  givenName: string;
  familyName: string;
  fiscalCode: string;
}

/** A name as the card prints it: upper case, one space between words. */
export function printedName(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toUpperCase();
}

/** The holder's national identifier as the certificate (and the CIE claims) carry it. */
export const fiscalNumber = (fiscalCode: string) => `TINIT-${fiscalCode}`;

/** The certificate's subject, in the order of docs/level3.md: `CN, SN, G, serialNumber, C`. */
export function cardSubject(holder: CertificateHolder): Array<[SubjectAttribute, string]> {
  const given = printedName(holder.givenName);
  const family = printedName(holder.familyName);
  return [
    ['CN', `${given} ${family}`],
    ['SN', family],
    ['G', given],
    ['serialNumber', fiscalNumber(holder.fiscalCode)],
    ['C', 'IT'],
  ];
}

/**
 * The certificate's serial number names its card: the card serial's ASCII bytes read as a
 * big-endian integer, as lower-case hex (`CA00000AA` → `434130303030304141`). A card serial starts
 * with a letter (0x41–0x5A), so the integer is positive and needs no leading zero byte.
 */
export function certificateSerialOf(cardSerial: string): string {
  if (!isSerial(cardSerial)) throw new RangeError('certificateSerialOf: not a card serial');
  return [...cardSerial].map((c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
}

/** The card serial a certificate's serial number (hex, any case, leading zero bytes allowed) names; null for any other. */
export function cardSerialOfCertificate(serialHex: string): string | null {
  if (serialHex.length > 64 || !/^(?:[0-9a-fA-F]{2})+$/.test(serialHex)) return null;
  const hex = serialHex.replace(/^(?:00)+/, '');
  let text = '';
  for (let i = 0; i < hex.length; i += 2) text += String.fromCharCode(Number.parseInt(hex.slice(i, i + 2), 16));
  return isSerial(text) ? text : null;
}

const NOON_UTC_MS = 12 * 3600_000;

/**
 * R-CARD-2: the certificate is valid through the card's expiry day in Italy — the last second before
 * the next midnight in Rome, as core/card-validity's isExpired reckons it (X.509 validity is
 * inclusive and to the second). `expiresAt` is the expiry date's UTC midnight, how dates are kept;
 * its noon UTC is that day in Rome too.
 */
export function certificateNotAfter(expiresAt: number): Date {
  const noon = expiresAt + NOON_UTC_MS;
  return new Date(noon + msToNextItalianMidnight(noon) - 1000);
}

/** From the card's issue (to the second: X.509 keeps no fraction, and rounding up would start it late). */
export function certificateNotBefore(issuedAt: number): Date {
  return new Date(Math.floor(issuedAt / 1000) * 1000);
}

// ——— Revocation (R-CARD-3, R-CARD-7, R-PUK-3) ———

/** Why a card's certificate is on the CRL: lost or stolen, replaced by a newer card, blocked for good. */
export type RevocationReason = 'blocked' | 'superseded' | 'puk_blocked';

/** The reason a card's status gives for revoking its certificate; null while the CA still vouches for it. */
export function revocationReasonOf(status: string): RevocationReason | null {
  return status === 'blocked' || status === 'superseded' || status === 'puk_blocked' ? status : null;
}

/** One line of the CRL, as the directory keeps it. */
export interface RevokedCertificate {
  /** The card serial: the certificate's serial number is derived from it (certificateSerialOf). */
  serial: string;
  revokedAt: number;
  reason: RevocationReason;
  /** The certificate's notAfter: past it, the line may leave the CRL (RFC 5280 §5.1.2.6). */
  notAfter: number;
}
