import { SignJWT, createLocalJWKSet, importJWK, jwtVerify, type JWTPayload, type JWTVerifyOptions, type JWTVerifyResult } from 'jose';
import type { Env } from '../env';
import { BoundedCache } from '../core/bounded-cache';
import { SIGNING_ALGS, type SigningAlg } from '../core/jose-algorithms';
import { parseKeySet, publicPart } from '../core/oidc-keyset';
import { TemporarilyUnavailable } from './errors';

/**
 * The provider's signing keys, from the OIDC_KEYS secret: imported once per isolate, published
 * (public members only) as current + next, and used to sign every token and statement we issue.
 */
interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: CryptoKey;
}

export interface ProviderKeys {
  current: SigningKey[];
  /** The JWKS we publish: current and next, public members only. */
  jwks: { keys: Record<string, string>[] };
  verifier: ReturnType<typeof createLocalJWKSet>;
}

/** Keyed by the secret's value: a rotated OIDC_KEYS is loaded afresh (current and previous kept). */
const loaded = new BoundedCache<string, Promise<ProviderKeys>>(2);

async function load(text: string): Promise<ProviderKeys> {
  const parsed = parseKeySet(text);
  if (!parsed.ok) {
    console.error('OIDC_KEYS refused:', parsed.problems.join('; '));
    throw new TemporarilyUnavailable('signing keys misconfigured');
  }
  const current = await Promise.all(
    parsed.value.current.map(async (jwk) => ({
      kid: jwk.kid,
      alg: jwk.alg,
      privateKey: (await importJWK({ ...jwk }, jwk.alg)) as CryptoKey,
    })),
  );
  const jwks = { keys: [...parsed.value.current, ...parsed.value.next].map(publicPart) };
  return { current, jwks, verifier: createLocalJWKSet(jwks) };
}

/** 503 temporarily_unavailable when the secret is missing or unusable: never sign with anything else. */
export function providerKeys(env: Env): Promise<ProviderKeys> {
  const text = env.OIDC_KEYS;
  if (!text) return Promise.reject(new TemporarilyUnavailable('signing keys not configured'));
  return loaded.get(text, () => load(text));
}

/** RS256 unless asked otherwise and we hold a current key for that algorithm. */
export async function signJwt(env: Env, payload: JWTPayload, header: { typ?: string; alg?: SigningAlg } = {}): Promise<string> {
  const { current } = await providerKeys(env);
  const key = current.find((k) => k.alg === (header.alg ?? 'RS256')) ?? current.find((k) => k.alg === 'RS256')!;
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, ...(header.typ ? { typ: header.typ } : {}) }).sign(key.privateKey);
}

/** A JWT we issued ourselves (access and refresh tokens), checked against every published key. */
export async function verifyOwnJwt(env: Env, token: string, options: JWTVerifyOptions): Promise<JWTVerifyResult> {
  const { verifier } = await providerKeys(env);
  return jwtVerify(token, verifier, { algorithms: [...SIGNING_ALGS], ...options });
}

export async function signingAlgs(env: Env): Promise<SigningAlg[]> {
  return [...new Set((await providerKeys(env)).current.map((k) => k.alg))];
}
