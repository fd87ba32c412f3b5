import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { RpKeysUnavailable, rpKeys } from '../../../functions/relying-party/keys';

const MESSAGE = 'non configurato';

describe('a relying party’s own keys (DEMO_RP_KEYS, AREA_RP_KEYS)', () => {
  it('a missing or malformed secret is a 503 in the caller’s words, never a crash', async () => {
    for (const secret of [undefined, '', 'not json', 'null', '{}', JSON.stringify({ sig: { kty: 'RSA' }, enc: {} })]) {
      const err = await rpKeys(secret, MESSAGE).catch((e: unknown) => e);
      expect(err, String(secret)).toBeInstanceOf(RpKeysUnavailable);
      expect((err as RpKeysUnavailable).status).toBe(503);
      expect((err as RpKeysUnavailable).message).toBe(MESSAGE);
    }
  });

  it('the secret’s keys: RS256 to sign, RSA-OAEP-256 to decrypt, and public members only in the JWKS', async () => {
    const keys = await rpKeys((env as { AREA_RP_KEYS?: string }).AREA_RP_KEYS, MESSAGE);
    expect(keys.sign.alg).toBe('RS256');
    expect(keys.decrypt.alg).toBe('RSA-OAEP-256');
    expect(keys.jwks.keys.map((k) => k.use)).toEqual(['sig', 'enc']);
    for (const key of keys.jwks.keys) expect(key).not.toHaveProperty('d');
  });
});
