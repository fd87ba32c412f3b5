/**
 * C-4 and the profile's "cryptographic algorithms": what we accept and produce. Never `none`,
 * HS* (a shared secret would let the RP forge our tokens) or RSA1_5 (padding oracle).
 */
export const SIGNING_ALGS = ['RS256', 'RS512', 'PS256', 'PS512', 'ES256'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

export const KEY_ENCRYPTION_ALGS = ['RSA-OAEP', 'RSA-OAEP-256', 'ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A256KW'] as const;
export type KeyEncryptionAlg = (typeof KEY_ENCRYPTION_ALGS)[number];

export const CONTENT_ENCRYPTION_ALGS = ['A128CBC-HS256', 'A256CBC-HS512', 'A128GCM', 'A256GCM'] as const;
export type ContentEncryptionAlg = (typeof CONTENT_ENCRYPTION_ALGS)[number];

/** OpenID Connect Registration: `*_encrypted_response_enc` defaults to this when only alg is given. */
export const DEFAULT_CONTENT_ENCRYPTION: ContentEncryptionAlg = 'A128CBC-HS256';

export const MIN_RSA_BITS = 2048;

export const isSigningAlg = (v: unknown): v is SigningAlg => SIGNING_ALGS.includes(v as SigningAlg);
export const isKeyEncryptionAlg = (v: unknown): v is KeyEncryptionAlg => KEY_ENCRYPTION_ALGS.includes(v as KeyEncryptionAlg);
export const isContentEncryptionAlg = (v: unknown): v is ContentEncryptionAlg => CONTENT_ENCRYPTION_ALGS.includes(v as ContentEncryptionAlg);

/** The key type an algorithm needs. */
export function ktyFor(alg: SigningAlg | KeyEncryptionAlg): 'RSA' | 'EC' {
  return alg.startsWith('ES') || alg.startsWith('ECDH') ? 'EC' : 'RSA';
}

/** Members of a JWK that only a private (or symmetric) key has. */
export const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** Bits of an RSA modulus given as base64url (RFC 7518: no leading zero octets). */
export function rsaModulusBits(n: string): number {
  if (!/^[A-Za-z0-9_-]+$/.test(n)) return 0;
  const b64 = n.replace(/-/g, '+').replace(/_/g, '/');
  let bin: string;
  try {
    bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  } catch {
    return 0;
  }
  const first = bin.charCodeAt(0);
  if (!first) return 0;
  return (bin.length - 1) * 8 + (32 - Math.clz32(first));
}

/** A public JWK as we keep it: only the members that define the key and how it may be used. */
export interface PublicJwk {
  kty: 'RSA' | 'EC';
  kid: string;
  use?: 'sig' | 'enc';
  alg?: string;
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

/**
 * Checks one JWK meant to be public (RSA ≥ 2048 or EC P-256) and returns its public members, or a
 * reason in Italian. `kid` is required so that a verifier never has to guess between keys.
 */
export function checkPublicJwk(value: unknown): { ok: true; jwk: PublicJwk } | { ok: false; message: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: 'non è un oggetto JWK' };
  const jwk = value as Record<string, unknown>;
  if (PRIVATE_JWK_MEMBERS.some((m) => m in jwk)) return { ok: false, message: 'contiene materiale di chiave privata' };
  if (typeof jwk.kid !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(jwk.kid)) return { ok: false, message: 'kid mancante o non valido' };
  if (jwk.use !== undefined && jwk.use !== 'sig' && jwk.use !== 'enc') return { ok: false, message: 'use deve essere sig o enc' };
  if (jwk.alg !== undefined && !isSigningAlg(jwk.alg) && !isKeyEncryptionAlg(jwk.alg)) {
    return { ok: false, message: `alg non ammesso: ${String(jwk.alg)}` };
  }
  if (jwk.alg !== undefined && ktyFor(jwk.alg as SigningAlg) !== jwk.kty) return { ok: false, message: 'alg non adatto al tipo di chiave' };
  const base = { kid: jwk.kid, ...(jwk.use ? { use: jwk.use as 'sig' | 'enc' } : {}), ...(jwk.alg ? { alg: String(jwk.alg) } : {}) };
  if (jwk.kty === 'RSA') {
    if (typeof jwk.n !== 'string' || typeof jwk.e !== 'string' || !/^[A-Za-z0-9_-]{1,8}$/.test(jwk.e)) {
      return { ok: false, message: 'chiave RSA senza n o e validi' };
    }
    if (jwk.n.length > 1400 || rsaModulusBits(jwk.n) < MIN_RSA_BITS) return { ok: false, message: 'chiave RSA inferiore a 2048 bit' };
    return { ok: true, jwk: { kty: 'RSA', ...base, n: jwk.n, e: jwk.e } };
  }
  if (jwk.kty === 'EC') {
    const coord = /^[A-Za-z0-9_-]{43}$/;
    if (jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string' || !coord.test(jwk.x) || !coord.test(jwk.y)) {
      return { ok: false, message: 'chiave EC non P-256 o coordinate non valide' };
    }
    return { ok: true, jwk: { kty: 'EC', ...base, crv: 'P-256', x: jwk.x, y: jwk.y } };
  }
  return { ok: false, message: 'kty deve essere RSA o EC' };
}
