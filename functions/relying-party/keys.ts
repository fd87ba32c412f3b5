import { importJWK, type CryptoKey, type JWK } from 'jose';
import { HttpError } from '../core/errors';
import type { PublicJwk } from '../core/jose-algorithms';

/**
 * A relying party's own keys, from a secret of the shape `{"sig": private JWK, "enc": private JWK}`
 * (scripts/demo-rp-keys.mjs makes one): it signs request objects and client assertions with `sig`,
 * and the OP encrypts userinfo to `enc`. DEMO_RP_KEYS (the demo) and AREA_RP_KEYS (the personal area).
 */
export interface RpKeys {
  sign: { key: CryptoKey; kid: string; alg: 'RS256' };
  decrypt: { key: CryptoKey; kid: string; alg: 'RSA-OAEP-256' };
  /** What the registry records: public members only. */
  jwks: { keys: PublicJwk[] };
}

/** Keys missing or unusable: a deployment fault, answered 503 with the caller's words. */
export class RpKeysUnavailable extends HttpError {
  constructor(message: string) {
    super(503, 'temporarily_unavailable', message);
  }
}

function privateRsaJwk(value: unknown, use: 'sig' | 'enc'): (JWK & { kid: string; n: string; e: string }) | null {
  const jwk = value as Record<string, unknown> | null;
  if (
    jwk?.kty !== 'RSA' ||
    typeof jwk.kid !== 'string' ||
    typeof jwk.n !== 'string' ||
    typeof jwk.e !== 'string' ||
    typeof jwk.d !== 'string' ||
    jwk.use !== use
  ) {
    return null;
  }
  return jwk as JWK & { kid: string; n: string; e: string };
}

async function load(secret: string, unavailable: string): Promise<RpKeys> {
  let parsed: { sig?: unknown; enc?: unknown };
  try {
    parsed = JSON.parse(secret) as { sig?: unknown; enc?: unknown };
  } catch {
    throw new RpKeysUnavailable(unavailable);
  }
  const sig = privateRsaJwk(parsed?.sig, 'sig');
  const enc = privateRsaJwk(parsed?.enc, 'enc');
  if (!sig || !enc) throw new RpKeysUnavailable(unavailable);
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

// Importing RSA keys costs more than the rest of a request: once per isolate and secret.
const cache = new Map<string, Promise<RpKeys>>();

/** The keys in `secret`, or RpKeysUnavailable (503) saying `unavailable` when it is absent or malformed. */
export function rpKeys(secret: string | undefined, unavailable: string): Promise<RpKeys> {
  if (!secret) return Promise.reject(new RpKeysUnavailable(unavailable));
  let keys = cache.get(secret);
  if (!keys) {
    keys = load(secret, unavailable);
    keys.catch(() => cache.delete(secret));
    cache.set(secret, keys);
  }
  return keys;
}
