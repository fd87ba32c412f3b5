/**
 * C-15, C-32: which user claims exist, which a scope implies, how the `claims` request parameter is
 * read, and what value each claim takes for a holder. Pure: the caller supplies the holder's data.
 */
import type { CardRequest } from './card-request';

export const FISCAL_NUMBER = 'https://attributes.eid.gov.it/fiscal_number';

export const SUPPORTED_SCOPES = ['openid', 'offline_access', 'profile', 'email'] as const;

const PROFILE_CLAIMS = ['given_name', 'family_name', 'birthdate', FISCAL_NUMBER];
const EMAIL_CLAIMS = ['email', 'email_verified'];

export const SCOPE_CLAIMS: Record<string, readonly string[]> = {
  profile: PROFILE_CLAIMS,
  email: EMAIL_CLAIMS,
};

export const SUPPORTED_CLAIMS: readonly string[] = [...PROFILE_CLAIMS, ...EMAIL_CLAIMS, 'phone_number', 'phone_number_verified', 'document_details'];

const SUPPORTED = new Set(SUPPORTED_CLAIMS);
const MAX_CLAIMS_JSON = 4096;

export interface ClaimsRequest {
  id_token: string[];
  userinfo: string[];
}

export type ClaimsParse = { ok: true; value: ClaimsRequest } | { ok: false; message: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** OpenID Connect Core 5.5: each requested claim is null or {essential?, value?, values?}. */
function claimRequestIsWellFormed(spec: unknown): boolean {
  if (spec === null) return true;
  if (!isObject(spec)) return false;
  for (const [key, value] of Object.entries(spec)) {
    if (key === 'essential' && typeof value !== 'boolean') return false;
    if (key === 'value' && typeof value !== 'string') return false;
    if (key === 'values' && (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))) return false;
  }
  return true;
}

/**
 * The `claims` parameter: absent, a JSON object, or (as in a query string) its JSON text. Only the
 * `id_token` and `userinfo` members are accepted, and only claims this provider can release.
 */
export function parseClaimsParameter(raw: unknown): ClaimsParse {
  if (raw === undefined || raw === null || raw === '') return { ok: true, value: { id_token: [], userinfo: [] } };
  let value = raw;
  if (typeof raw === 'string') {
    if (raw.length > MAX_CLAIMS_JSON) return { ok: false, message: 'claims troppo lungo' };
    try {
      value = JSON.parse(raw);
    } catch {
      return { ok: false, message: 'claims non è JSON valido' };
    }
  }
  if (!isObject(value)) return { ok: false, message: 'claims deve essere un oggetto JSON' };
  if (JSON.stringify(value).length > MAX_CLAIMS_JSON) return { ok: false, message: 'claims troppo lungo' };
  const result: ClaimsRequest = { id_token: [], userinfo: [] };
  for (const [target, members] of Object.entries(value)) {
    if (target !== 'id_token' && target !== 'userinfo') return { ok: false, message: `claims: membro sconosciuto ${target}` };
    if (!isObject(members)) return { ok: false, message: `claims.${target} deve essere un oggetto` };
    for (const [name, spec] of Object.entries(members)) {
      if (!SUPPORTED.has(name)) return { ok: false, message: `claim non supportato: ${name}` };
      if (!claimRequestIsWellFormed(spec)) return { ok: false, message: `claim ${name}: richiesta malformata` };
      result[target].push(name);
    }
  }
  return { ok: true, value: result };
}

const unique = (names: string[]) => [...new Set(names)];

/** Scope-implied claims go to both the ID token and userinfo (CIE profile); `claims` adds to either. */
export function requestedClaims(scope: readonly string[], claims: ClaimsRequest): ClaimsRequest {
  const implied = scope.flatMap((s) => SCOPE_CLAIMS[s] ?? []);
  return { id_token: unique([...implied, ...claims.id_token]), userinfo: unique([...implied, ...claims.userinfo]) };
}

/** The holder as the claims see it (from the card record). */
export interface Holder extends Omit<CardRequest, 'publicKey'> {
  serial: string;
  emailVerified: boolean;
  issuedAt: number;
  expiresAt: number;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const CLAIM_VALUE: Record<string, (h: Holder) => unknown> = {
  given_name: (h) => h.givenName,
  family_name: (h) => h.familyName,
  birthdate: (h) => h.birthDate,
  [FISCAL_NUMBER]: (h) => `TINIT-${h.fiscalCode}`,
  email: (h) => h.email ?? undefined,
  email_verified: (h) => (h.email ? h.emailVerified : undefined),
  phone_number: (h) => h.phone,
  // The number on record is the one every SMS OTP reaches (R-CARD-5, R-ACT-3).
  phone_number_verified: () => true,
  document_details: (h) => ({
    type: 'cartaIdentita',
    document_number: h.serial,
    issuer: { name: 'MinisteroInterno' },
    date_of_issuance: isoDay(h.issuedAt),
    date_of_expiry: isoDay(h.expiresAt),
  }),
};

/** The values of the named claims; a claim the holder has no value for is left out. */
export function claimValues(names: readonly string[], holder: Holder): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const value = CLAIM_VALUE[name]?.(holder);
    if (value !== undefined) out[name] = value;
  }
  return out;
}
