import { MIN_RSA_BITS, isSigningAlg, ktyFor, rsaModulusBits, type SigningAlg } from './jose-algorithms';

/**
 * The provider's signing keys (secret OIDC_KEYS): `{"current": [jwk…], "next": [jwk…]}`, private
 * JWKs with kid, alg and use "sig". `current` signs; `next` is published ahead of a rotation so RPs
 * already trust it when it becomes current. The profile requires RS256, so `current` must have one.
 */
export interface SigningJwk {
  kty: 'RSA' | 'EC';
  kid: string;
  alg: SigningAlg;
  use: 'sig';
  [member: string]: unknown;
}

export interface KeySet {
  current: SigningJwk[];
  next: SigningJwk[];
}

const PUBLIC_MEMBERS = ['kty', 'kid', 'alg', 'use', 'n', 'e', 'crv', 'x', 'y'] as const;

export function publicPart(jwk: SigningJwk): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of PUBLIC_MEMBERS) if (typeof jwk[m] === 'string') out[m] = jwk[m] as string;
  return out;
}

function checkKey(value: unknown, where: string): { key?: SigningJwk; problem?: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: `${where}: non è un JWK` };
  const jwk = value as Record<string, unknown>;
  if (typeof jwk.kid !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(jwk.kid)) return { problem: `${where}: kid mancante` };
  if (!isSigningAlg(jwk.alg)) return { problem: `${where}: alg non ammesso` };
  if (jwk.use !== 'sig') return { problem: `${where}: use deve essere "sig"` };
  if (jwk.kty !== ktyFor(jwk.alg)) return { problem: `${where}: kty non adatto ad alg` };
  if (typeof jwk.d !== 'string') return { problem: `${where}: manca la parte privata` };
  if (jwk.kty === 'RSA' && (typeof jwk.n !== 'string' || rsaModulusBits(jwk.n) < MIN_RSA_BITS)) {
    return { problem: `${where}: RSA inferiore a ${MIN_RSA_BITS} bit` };
  }
  if (jwk.kty === 'EC' && jwk.crv !== 'P-256') return { problem: `${where}: curva diversa da P-256` };
  return { key: jwk as SigningJwk };
}

export function parseKeySet(text: string): { ok: true; value: KeySet } | { ok: false; problems: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, problems: ['OIDC_KEYS non è JSON'] };
  }
  const problems: string[] = [];
  const set: KeySet = { current: [], next: [] };
  for (const part of ['current', 'next'] as const) {
    const list = (raw as Record<string, unknown> | null)?.[part];
    if (!Array.isArray(list) || (part === 'current' && list.length === 0)) {
      problems.push(`${part}: deve essere un elenco di JWK`);
      continue;
    }
    list.forEach((value, i) => {
      const { key, problem } = checkKey(value, `${part}[${i}]`);
      if (key) set[part].push(key);
      else problems.push(problem!);
    });
  }
  const kids = [...set.current, ...set.next].map((k) => k.kid);
  if (new Set(kids).size !== kids.length) problems.push('kid ripetuti');
  if (!set.current.some((k) => k.alg === 'RS256')) problems.push('current: serve una chiave RS256');
  return problems.length ? { ok: false, problems } : { ok: true, value: set };
}
