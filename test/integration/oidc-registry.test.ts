import { describe, expect, it } from 'vitest';
import { call, registry } from '../support/worker';
import { TestRp } from '../support/rp';

const path = (clientId: string) => `/clients/${encodeURIComponent(clientId)}`;

async function problems(res: Response): Promise<string[]> {
  const body = (await res.json()) as { problems?: { field: string }[] };
  return (body.problems ?? []).map((p) => p.field);
}

describe('registry: relying parties', () => {
  it('registers an RP (201), reads it back by its url-encoded client_id, deletes it (204)', async () => {
    const rp = await TestRp.create({ register: false });
    const created = await rp.register();
    expect(created.status).toBe(201);
    expect(created.headers.get('Location')).toBe(`/registry${path(rp.clientId)}`);
    const read = await registry(path(rp.clientId));
    expect(read.status).toBe(200);
    const body = (await read.json()) as Record<string, any>;
    expect(body.client_id).toBe(rp.clientId);
    expect(body.redirect_uris).toEqual([rp.redirectUri]);
    expect(body.jwks.keys).toHaveLength(2);
    expect((await registry(path(rp.clientId), undefined, { method: 'DELETE' })).status).toBe(204);
    expect((await registry(path(rp.clientId))).status).toBe(404);
    expect((await registry(path(rp.clientId), undefined, { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses a second registration of the same client_id (409)', async () => {
    const rp = await TestRp.create();
    expect((await rp.register()).status).toBe(409);
  });

  it('requires the registry token', async () => {
    const rp = await TestRp.create({ register: false });
    const res = await call('/registry/clients', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(rp.registration()),
    });
    expect(res.status).toBe(401);
    expect((await call(`/registry${path(rp.clientId)}`)).status).toBe(401);
  });

  it('lists every problem at once: client_id, client_name, redirect_uris, jwks', async () => {
    const rp = await TestRp.create({ register: false });
    const res = await rp.register({ client_id: 'ftp://x', client_name: '', redirect_uris: ['/relative', 'https://a.it/cb#frag'], jwks: { keys: [] } });
    expect(res.status).toBe(400);
    expect(await problems(res)).toEqual(['client_id', 'client_name', 'redirect_uris[0]', 'redirect_uris[1]', 'jwks']);
  });

  it('http is accepted only for loopback hosts outside production', async () => {
    const rp = await TestRp.create({ register: false });
    expect((await rp.register({ redirect_uris: ['http://rp.example.it/cb'] })).status).toBe(400);
    expect((await rp.register({ redirect_uris: ['http://127.0.0.1:9000/cb'] })).status).toBe(201);
  });

  it('refuses private key material, small RSA keys, other curves and symmetric keys', async () => {
    const rp = await TestRp.create({ register: false });
    const [sig] = rp.jwks.keys;
    const cases = [
      { ...sig, d: 'AAAA' },
      { ...sig, n: sig!.n!.slice(0, 170) },
      { kty: 'EC', kid: 'p384', crv: 'P-384', x: 'a'.repeat(64), y: 'b'.repeat(64) },
      { kty: 'oct', kid: 'h', k: 'c2VjcmV0' },
      { ...sig, alg: 'HS256' },
    ];
    for (const key of cases) {
      const res = await rp.register({ jwks: { keys: [key] } });
      expect(res.status, JSON.stringify(key).slice(0, 80)).toBe(400);
      expect(await problems(res)).toEqual(['jwks.keys[0]']);
    }
  });

  it('refuses an EC key whose point is not on the curve', async () => {
    const rp = await TestRp.create({ register: false });
    const res = await rp.register({ jwks: { keys: [{ kty: 'EC', kid: 'bad', crv: 'P-256', x: 'A'.repeat(43), y: 'A'.repeat(43) }] } });
    expect(res.status).toBe(400);
    expect(await problems(res)).toEqual(['jwks.keys[0]']);
  });

  it('accepts the profile encryption algorithms and refuses others (RSA1_5, unknown enc)', async () => {
    const rp = await TestRp.create({ register: false });
    const bad = await rp.register({
      id_token_encrypted_response_alg: 'RSA1_5',
      userinfo_encrypted_response_alg: 'ECDH-ES',
      userinfo_encrypted_response_enc: 'A192GCM',
    });
    expect(bad.status).toBe(400);
    expect(await problems(bad)).toEqual(['id_token_encrypted_response_alg', 'userinfo_encrypted_response_enc']);
    const good = await rp.register({
      id_token_encrypted_response_alg: 'ECDH-ES+A256KW',
      userinfo_encrypted_response_alg: 'ECDH-ES',
      userinfo_encrypted_response_enc: 'A256GCM',
    });
    expect(good.status).toBe(201);
    const body = (await good.json()) as Record<string, string>;
    expect(body.id_token_encrypted_response_enc).toBe('A128CBC-HS256');
  });

  it('refuses an encryption algorithm the registered keys cannot serve', async () => {
    const rp = await TestRp.create({ register: false });
    const res = await rp.register({ id_token_encrypted_response_alg: 'RSA-OAEP-256' });
    expect(res.status).toBe(400);
    expect(await problems(res)).toEqual(['id_token_encrypted_response_alg']);
  });

  it('refuses a body that is not JSON (415) or too large (413)', async () => {
    const notJson = await call('/registry/clients', {
      method: 'POST',
      headers: { Authorization: 'Bearer test-registry-token', 'Content-Type': 'text/plain' },
      body: '{}',
    });
    expect(notJson.status).toBe(415);
    const big = await registry('/clients', { client_name: 'x'.repeat(70_000) });
    expect(big.status).toBe(413);
  });
});
