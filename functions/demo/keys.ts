import { importJWK, type CryptoKey, type JWK } from 'jose';
import { HttpError } from '../core/errors';
import type { PublicJwk } from '../core/jose-algorithms';

/**
 * The demo relying party's own keys (DEMO_RP_KEYS, see scripts/demo-rp-keys.mjs): it signs request
 * objects and client assertions with `sig`, and the OP encrypts userinfo to `enc`.
 */
export interface DemoKeys {
  sign: { key: CryptoKey; kid: string; alg: 'RS256' };
  decrypt: { key: CryptoKey; kid: string; alg: 'RSA-OAEP-256' };
  /** What the registry records: public members only. */
  jwks: { keys: PublicJwk[] };
}

const unavailable = () => new HttpError(503, 'temporarily_unavailable', 'Il servizio dimostrativo non è configurato (DEMO_RP_KEYS)');

function privateRsaJwk(value: unknown, use: 'sig' | 'enc'): JWK & { kid: string; n: string; e: string } {
  const jwk = value as Record<string, unknown> | null;
  if (
    jwk?.kty !== 'RSA' ||
    typeof jwk.kid !== 'string' ||
    typeof jwk.n !== 'string' ||
    typeof jwk.e !== 'string' ||
    typeof jwk.d !== 'string' ||
    jwk.use !== use
  ) {
    throw unavailable();
  }
  return jwk as JWK & { kid: string; n: string; e: string };
}

async function load(secret: string): Promise<DemoKeys> {
  let parsed: { sig?: unknown; enc?: unknown };
  try {
    parsed = JSON.parse(secret) as { sig?: unknown; enc?: unknown };
  } catch {
    throw unavailable();
  }
  const sig = privateRsaJwk(parsed.sig, 'sig');
  const enc = privateRsaJwk(parsed.enc, 'enc');
  const [signKey, decryptKey] = await Promise.all([importJWK(sig, 'RS256') as Promise<CryptoKey>, importJWK(enc, 'RSA-OAEP-256') as Promise<CryptoKey>]);
  return {
    sign: { key: signKey, kid: sig.kid, alg: 'RS256' },
    decrypt: { key: decryptKey, kid: enc.kid, alg: 'RSA-OAEP-256' },
    jwks: {
      keys: [
        { kty: 'RSA', kid: sig.kid, use: 'sig', alg: 'RS256', n: sig.n, e: sig.e },
        { kty: 'RSA', kid: enc.kid, use: 'enc', alg: 'RSA-OAEP-256', n: enc.n, e: enc.e },
      ],
    },
  };
}

// Importing RSA keys costs more than the rest of a demo request: once per isolate and secret.
const cache = new Map<string, Promise<DemoKeys>>();

export function demoKeys(secret: string | undefined): Promise<DemoKeys> {
  if (!secret) return Promise.reject(unavailable());
  let keys = cache.get(secret);
  if (!keys) {
    keys = load(secret);
    keys.catch(() => cache.delete(secret));
    cache.set(secret, keys);
  }
  return keys;
}
