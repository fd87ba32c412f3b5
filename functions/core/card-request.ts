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

/** The card chip's public key (kept for level 3): a public EC P-256 or RSA JWK, never a private one. */
function publicKey(value: unknown, problems: Problem[]): JsonWebKey | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push({ field: 'publicKey', message: 'deve essere una chiave pubblica JWK' });
    return null;
  }
  const jwk = value as Record<string, unknown>;
  if ('d' in jwk || 'p' in jwk || 'q' in jwk || 'k' in jwk) {
    problems.push({ field: 'publicKey', message: 'non deve contenere materiale di chiave privata' });
    return null;
  }
  const ok =
    (jwk.kty === 'EC' && jwk.crv === 'P-256' && typeof jwk.x === 'string' && typeof jwk.y === 'string') ||
    (jwk.kty === 'RSA' && typeof jwk.n === 'string' && typeof jwk.e === 'string' && jwk.n.length >= 342);
  if (!ok || JSON.stringify(jwk).length > 4096) {
    problems.push({ field: 'publicKey', message: 'chiave non supportata: EC P-256 o RSA ≥ 2048 bit' });
    return null;
  }
  const { kty, crv, x, y, n, e } = jwk as Record<string, string>;
  return (kty === 'EC' ? { kty, crv, x, y } : { kty, n, e }) as JsonWebKey;
}

export function parseCardRequest(
  body: Record<string, unknown>,
  now: Date,
): { ok: true; value: CardRequest } | { ok: false; problems: Problem[] } {
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
  if (birth && birth.getTime() > now.getTime()) problems.push({ field: 'birthDate', message: 'data nel futuro' });
  if (birth && birth.getUTCFullYear() < 1900) problems.push({ field: 'birthDate', message: 'data troppo lontana' });
  if (birth && isValidFiscalCode(fiscalCode) && !fiscalCodeMatchesBirthDate(fiscalCode, birthDate)) {
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
