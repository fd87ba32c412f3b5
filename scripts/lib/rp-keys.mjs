import { exportJWK, generateKeyPair } from 'jose';
import { randomBytes } from 'node:crypto';

/**
 * A relying party's keys for the Node tools: ES256 to sign (request objects, client assertions) and
 * ECDH-ES P-256 for what the OP encrypts to it — the cheapest for the client, so a bench measures
 * the server. Both as CryptoKeys and as JWKs (bench:compare hands the private ones to k6).
 */
const kid = (prefix) => `${prefix}-${randomBytes(6).toString('base64url')}`;

async function keyPair(alg, use, extra = {}) {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true, ...extra });
  const id = kid(use);
  const publicJwk = { ...(await exportJWK(publicKey)), kid: id, use, ...(use === 'sig' ? { alg } : {}) };
  return { kid: id, publicKey, privateKey, publicJwk, privateJwk: { ...(await exportJWK(privateKey)), kid: id } };
}

export async function generateRpKeys() {
  const [sig, enc] = await Promise.all([keyPair('ES256', 'sig'), keyPair('ECDH-ES', 'enc', { crv: 'P-256' })]);
  return { sig, enc, jwks: { keys: [sig.publicJwk, enc.publicJwk] } };
}

/** Registers an RP with our registry API (POST /registry/clients); `registration` is its metadata. */
export async function registerClient(baseUrl, registryToken, registration) {
  const res = await fetch(`${baseUrl}/registry/clients`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${registryToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(registration),
  });
  if (res.status !== 201) throw new Error(`registration refused: ${res.status} ${await res.text()}`);
}

/** A host of its own per RP, so runs never collide on a client_id. */
export const randomRpHost = () => `rp-${randomBytes(6).toString('hex')}.example.it`;
