import { createHash, generateKeyPairSync } from 'node:crypto';

/**
 * Development and test signing keys for the OpenID Provider (the OIDC_KEYS secret, see
 * functions/core/oidc-keyset.ts): a current and a next set, each with RS256 (the profile's
 * mandatory algorithm), RS512 and ES256. Production keys are made the same way, offline.
 */
export function thumbprint(jwk) {
  // RFC 7638: the required members, in lexicographic order, without whitespace.
  const members = jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

function signingKey(alg) {
  const { privateKey } = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: thumbprint(jwk), alg, use: 'sig' };
}

const keySet = () => ['RS256', 'RS512', 'ES256'].map(signingKey);

export function generateOidcKeys() {
  return JSON.stringify({ current: keySet(), next: keySet() });
}
