import { CompactEncrypt } from 'jose';
import { ktyFor, type ContentEncryptionAlg, type KeyEncryptionAlg, type PublicJwk } from '../core/jose-algorithms';
import type { RegisteredClient } from '../core/oidc-client';
import { utf8 } from '../platform/encoding';
import { clientEncryptionKey } from './client-keys';

/**
 * Nested JWTs for the RP (C-33, C-34): a JWS we signed, encrypted to one of the RP's keys, with
 * `cty: JWT` so the RP knows a JWT is inside. The RP's registered algorithms win; otherwise the
 * profile's mandatory ones for the key it has: RSA-OAEP-256 for RSA, ECDH-ES for EC, A256CBC-HS512.
 */
const DEFAULT_ALG: Record<'RSA' | 'EC', KeyEncryptionAlg> = { RSA: 'RSA-OAEP-256', EC: 'ECDH-ES' };
const DEFAULT_ENC: ContentEncryptionAlg = 'A256CBC-HS512';

/** A key meant for encryption first, then one with no stated use, then any key of the right type. */
function recipientKey(keys: PublicJwk[], kty?: 'RSA' | 'EC'): PublicJwk | null {
  const fits = keys.filter((k) => !kty || k.kty === kty);
  return fits.find((k) => k.use === 'enc') ?? fits.find((k) => k.use === undefined) ?? fits[0] ?? null;
}

export async function encryptFor(client: RegisteredClient, jws: string, purpose: 'id_token' | 'userinfo'): Promise<string> {
  const registeredAlg = client[`${purpose}_encrypted_response_alg`];
  const key = recipientKey(client.jwks.keys, registeredAlg ? ktyFor(registeredAlg) : undefined);
  if (!key) throw new Error(`client ${client.client_id} has no key to encrypt to`);
  const alg = registeredAlg ?? DEFAULT_ALG[key.kty];
  const enc = client[`${purpose}_encrypted_response_enc`] ?? DEFAULT_ENC;
  const publicKey = await clientEncryptionKey(key, alg);
  return new CompactEncrypt(utf8(jws)).setProtectedHeader({ alg, enc, kid: key.kid, cty: 'JWT' }).encrypt(publicKey);
}

/** C-33: only when the RP registered id_token_encrypted_response_alg. */
export const encryptsIdToken = (client: RegisteredClient): boolean => client.id_token_encrypted_response_alg !== undefined;
