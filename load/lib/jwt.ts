import encoding from 'k6/encoding';
import { b64url, randomToken, utf8 } from './bytes.ts';
import { exportP256Jwk } from './ec-key.ts';

/**
 * ES256 keys and compact JWS with k6's WebCrypto. Keys travel from setup() to the VUs as JWK (setup's
 * data must be JSON); each VU imports them once and keeps the CryptoKey.
 */
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export interface SigningKey {
  kid: string;
  /** The private JWK (d included): only inside the k6 run, never sent anywhere. */
  privateJwk: JsonWebKey;
  publicJwk: JsonWebKey & { kid: string; use: 'sig'; alg: 'ES256' };
}

export async function generateSigningKey(): Promise<SigningKey> {
  const pair = (await crypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const kid = `sig-${randomToken(6)}`;
  const privateJwk = await exportP256Jwk(pair.privateKey);
  const { kty, crv, x, y } = privateJwk;
  return { kid, privateJwk, publicJwk: { kty, crv, x, y, kid, use: 'sig', alg: 'ES256' } };
}

const imported = new Map<string, CryptoKey>();

async function privateKey(key: SigningKey): Promise<CryptoKey> {
  let cryptoKey = imported.get(key.kid);
  if (!cryptoKey) {
    cryptoKey = await crypto.subtle.importKey('jwk', key.privateJwk, EC, false, ['sign']);
    imported.set(key.kid, cryptoKey);
  }
  return cryptoKey;
}

/** A compact JWS (ES256, raw r‖s signature as JWS wants it) over `claims`. */
export async function signJwt(claims: Record<string, unknown>, key: SigningKey, typ?: string): Promise<string> {
  const header = { alg: 'ES256', kid: key.kid, ...(typ ? { typ } : {}) };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, await privateKey(key), utf8(input));
  return `${input}.${b64url(signature)}`;
}

/** The payload of a compact JWS, unverified (the load test reads, the harness judges). */
export function decodePayload<T = Record<string, unknown>>(jws: string): T {
  const part = jws.split('.')[1];
  if (!part) throw new Error('not a compact JWS');
  return JSON.parse(encoding.b64decode(part, 'rawurl', 's')) as T;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
