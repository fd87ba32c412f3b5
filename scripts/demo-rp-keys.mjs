import { generateKeyPairSync } from 'node:crypto';
import { thumbprint } from './oidc-keys.mjs';

/**
 * DEMO_RP_KEYS for development and tests: the private keys of the demo relying party at /demo, one
 * RSA key to sign (RS256, the profile's mandatory algorithm) and one RSA key the OP encrypts userinfo
 * to (RSA-OAEP-256). Made on this machine and never committed, like the OP's own keys.
 */
function rsaKey(use, alg) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: thumbprint(jwk), alg, use };
}

export function generateDemoRpKeys() {
  return JSON.stringify({ sig: rsaKey('sig', 'RS256'), enc: rsaKey('enc', 'RSA-OAEP-256') });
}
