import { createLocalJWKSet, importJWK, type JWK } from 'jose';
import type { KeyEncryptionAlg } from '../core/jose-algorithms';
import type { RegisteredClient } from '../core/oidc-client';
import { BoundedCache } from '../core/bounded-cache';

/**
 * Relying parties' public keys, imported once per isolate instead of on every request. Both caches
 * are keyed by the keys' own JSON, never by client_id: the client record is still read from the
 * directory on every request (a deleted client is refused before any key is looked up), and a client
 * that registers new keys simply has new JSON, which no old entry answers.
 */
const CLIENTS_KEPT = 256;

/** A jose key set imports each key on first use and keeps it, as long as the set itself is kept. */
const signatureSets = new BoundedCache<string, ReturnType<typeof createLocalJWKSet>>(CLIENTS_KEPT);
const encryptionKeys = new BoundedCache<string, Promise<CryptoKey>>(CLIENTS_KEPT);

/** The client's registered keys, to verify what it signed (request objects, client assertions). */
export function clientSignatureKeys(client: RegisteredClient): ReturnType<typeof createLocalJWKSet> {
  const json = JSON.stringify(client.jwks);
  return signatureSets.get(json, () => createLocalJWKSet(JSON.parse(json) as { keys: JWK[] }));
}

/** One of the client's public keys, to encrypt to it with `alg` (only the public members are read). */
export function clientEncryptionKey(jwk: JWK, alg: KeyEncryptionAlg): Promise<CryptoKey> {
  const { kty, n, e, crv, x, y } = jwk;
  const members = kty === 'RSA' ? { kty, n, e } : { kty, crv, x, y };
  const json = JSON.stringify(members);
  return encryptionKeys.get(`${alg} ${json}`, async () => (await importJWK(members, alg)) as CryptoKey);
}
