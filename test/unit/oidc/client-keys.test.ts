import { describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { clientEncryptionKey, clientSignatureKeys } from '../../../functions/oidc/client-keys';
import type { RegisteredClient } from '../../../functions/core/oidc-client';
import type { PublicJwk } from '../../../functions/core/jose-algorithms';

async function publicJwk(alg: 'ES256' | 'ECDH-ES', kid: string): Promise<PublicJwk> {
  const { publicKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'ECDH-ES' ? { crv: 'P-256' } : {}) });
  return { ...(await exportJWK(publicKey)), kid, use: alg === 'ES256' ? 'sig' : 'enc' } as PublicJwk;
}

const client = (keys: PublicJwk[], id = 'https://rp.example.it'): RegisteredClient => ({
  client_id: id,
  client_name: 'RP',
  redirect_uris: [`${id}/cb`],
  jwks: { keys },
  registered_at: '2026-01-01T00:00:00.000Z',
});

describe('client keys: imported once per isolate, keyed by the keys themselves', () => {
  it('the same registered keys, read again from the directory (a new object), use the same key set', async () => {
    const sig = await publicJwk('ES256', 's1');
    const first = clientSignatureKeys(client([sig]));
    expect(clientSignatureKeys(JSON.parse(JSON.stringify(client([sig]))) as RegisteredClient)).toBe(first);
  });

  it('new keys under the same client_id are a different key set: nothing imported for the old keys answers', async () => {
    const before = clientSignatureKeys(client([await publicJwk('ES256', 's1')]));
    const after = clientSignatureKeys(client([await publicJwk('ES256', 's1')]));
    expect(after).not.toBe(before);
  });

  it('an encryption key is imported once per key and algorithm', async () => {
    const enc = (await publicJwk('ECDH-ES', 'e1')) as JWK;
    const key = await clientEncryptionKey(enc, 'ECDH-ES');
    expect(await clientEncryptionKey({ ...enc }, 'ECDH-ES')).toBe(key);
    expect(await clientEncryptionKey(enc, 'ECDH-ES+A128KW')).not.toBe(key);
    expect(await clientEncryptionKey((await publicJwk('ECDH-ES', 'e1')) as JWK, 'ECDH-ES')).not.toBe(key);
  });
});
