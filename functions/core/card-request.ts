import type { Problem } from './errors';
import { fiscalCodeMatchesBirthDate, isValidFiscalCode, normalizeFiscalCode } from './fiscal-code';
import { parseIsoDate } from './card-validity';
import { normalizeEmail, normalizePhone } from './contacts';

/** What the registry must be told to issue a card (POST /registry/cards). */
export interface CardRequest {
  fiscalCode: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  phone: string;
  email: string | null;
  publicKey: JsonWebKey | null;
}

const NAME_MAX = 100;
const NAME_PATTERN = /^[\p{L}][\p{L}\p{M}' .-]*$/u;
const ALLOWED_FIELDS = new Set(['fiscalCode', 'givenName', 'familyName', 'birthDate', 'phone', 'email', 'publicKey']);

function text(body: Record<string, unknown>, field: string, problems: Problem[]): string | null {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') {
    problems.push({ field, message: 'obbligatorio, una stringa non vuota' });
    return null;
  }
  if (value.length > 512) {
    problems.push({ field, message: 'troppo lungo' });
    return null;
  }
  return value.trim();
}

function name(body: Record<string, unknown>, field: string, problems: Problem[]): string {
  const value = text(body, field, problems);
  if (value === null) return '';
  if (value.length > NAME_MAX || !NAME_PATTERN.test(value)) {
    problems.push({ field, message: 'solo lettere, spazi, apostrofi e trattini, al massimo 100 caratteri' });
  }
  return value;
}

/** Every private member a JWK can carry (RFC 7518 §6.2.2, §6.3.2, §6.4.1). */
const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const B64URL = (min: number, max: number) => new RegExp(`^[A-Za-z0-9_-]{${min},${max}}$`);
/** A P-256 coordinate is 32 bytes: 43 base64url characters. */
const P256_COORDINATE = B64URL(43, 43);
/** 2048 to 8192 bits: 342 to 1366 base64url characters. */
const RSA_MODULUS = B64URL(342, 1366);
/** e = 65537 only: a small exponent (e = 1, 3) makes signatures forgeable or weak, and a CA must not certify it. */
const RSA_EXPONENT = /^AQAB$/;

/**
 * The card chip's public key (kept for level 3): a public EC P-256 or RSA JWK, never a private one.
 * Each kept member is checked for its own shape: members we drop (kid, x5c…) cannot make a key pass,
 * and a coordinate or modulus of the wrong size is refused here rather than failing at the first login.
 */
function publicKey(value: unknown, problems: Problem[]): JsonWebKey | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ field: 'publicKey', message: 'deve essere una chiave pubblica JWK' });
    return null;
  }
  const jwk = value as Record<string, unknown>;
  if (PRIVATE_JWK_MEMBERS.some((m) => Object.hasOwn(jwk, m) && jwk[m] !== undefined)) {
    problems.push({ field: 'publicKey', message: 'non deve contenere materiale di chiave privata' });
    return null;
  }
  const shaped = (member: string, pattern: RegExp) => typeof jwk[member] === 'string' && pattern.test(jwk[member]);
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && shaped('x', P256_COORDINATE) && shaped('y', P256_COORDINATE)) {
    return { kty: 'EC', crv: 'P-256', x: jwk.x as string, y: jwk.y as string };
  }
  if (jwk.kty === 'RSA' && shaped('n', RSA_MODULUS) && shaped('e', RSA_EXPONENT)) {
    return { kty: 'RSA', n: jwk.n as string, e: jwk.e as string };
  }
  problems.push({ field: 'publicKey', message: 'chiave non supportata: EC P-256 o RSA ≥ 2048 bit' });
  return null;
}

export function parseCardRequest(body: Record<string, unknown>, now: Date): { ok: true; value: CardRequest } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  for (const key of Object.keys(body)) {
    if (!ALLOWED_FIELDS.has(key)) problems.push({ field: key, message: 'campo non previsto' });
  }
  const rawCf = text(body, 'fiscalCode', problems);
  const fiscalCode = rawCf ? normalizeFiscalCode(rawCf) : '';
  if (rawCf && !isValidFiscalCode(fiscalCode)) {
    problems.push({ field: 'fiscalCode', message: 'codice fiscale non valido (forma o carattere di controllo)' });
  }
  const givenName = name(body, 'givenName', problems);
  const familyName = name(body, 'familyName', problems);
  const birthDate = text(body, 'birthDate', problems) ?? '';
  const birth = birthDate ? parseIsoDate(birthDate) : null;
  if (birthDate && !birth) problems.push({ field: 'birthDate', message: 'data non valida, formato AAAA-MM-GG' });
  else if (birth && birth.getTime() > now.getTime()) problems.push({ field: 'birthDate', message: 'data nel futuro' });
  else if (birth && birth.getUTCFullYear() < 1900) problems.push({ field: 'birthDate', message: 'data troppo lontana' });
  // Only a plausible date is compared with the code: one problem per field, the most basic first.
  else if (birth && isValidFiscalCode(fiscalCode) && !fiscalCodeMatchesBirthDate(fiscalCode, birthDate)) {
    problems.push({ field: 'birthDate', message: 'non coerente con il codice fiscale' });
  }
  const rawPhone = text(body, 'phone', problems);
  const phone = rawPhone ? normalizePhone(rawPhone) : null;
  if (rawPhone && !phone) problems.push({ field: 'phone', message: 'numero di cellulare non valido' });
  let email: string | null = null;
  if (body.email !== undefined && body.email !== null) {
    email = typeof body.email === 'string' ? normalizeEmail(body.email) : null;
    if (!email) problems.push({ field: 'email', message: 'indirizzo email non valido' });
  }
  const key = publicKey(body.publicKey, problems);
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    value: { fiscalCode, givenName, familyName, birthDate, phone: phone!, email, publicKey: key },
  };
}
