import { describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair } from 'jose';
import { registry } from '../support/worker';
import { TestRp, rpAnswer } from '../support/rp';
import { loginThrough } from '../support/oidc-login';

/**
 * The relying parties' keys are imported once per isolate (functions/oidc/client-keys), but the client
 * record is read on every request: whatever the registry changes takes effect on the next request.
 */
const clientPath = (rp: TestRp) => `/clients/${encodeURIComponent(rp.clientId)}`;

/** Re-registers the RP under the same client_id with a fresh ES256 signing key; returns how to sign with it. */
async function rotateSigningKey(rp: TestRp) {
  expect((await registry(clientPath(rp), undefined, { method: 'DELETE' })).status).toBe(204);
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = 'rotated';
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'ES256' }, rp.jwks.keys[1]] };
  expect((await rp.register({ jwks })).status).toBe(201);
  return { key: privateKey, kid, alg: 'ES256' };
}

describe('client keys cached per isolate: the registry still decides at once', () => {
  it('C-7: a deleted client is refused on the very next request, though its keys were just used', async () => {
    const rp = await TestRp.create();
    const auth = await rp.authorizeRequest();
    expect((await rp.send(auth.params)).status).toBe(303);
    expect((await registry(clientPath(rp), undefined, { method: 'DELETE' })).status).toBe(204);
    const again = await rp.authorizeRequest();
    const res = await rp.send(again.params);
    expect(res.status).toBe(400);
    expect(res.headers.get('Location')).toBeNull();
  });

  it('C-6: after a key change, a request object signed with the old key is refused and the new key works', async () => {
    const rp = await TestRp.create();
    expect((await rp.send((await rp.authorizeRequest()).params)).status).toBe(303);
    const rotated = await rotateSigningKey(rp);
    const old = await rp.authorizeRequest();
    expect((await rpAnswer(await rp.send(old.params))).get('error')).toBe('invalid_request_object');
    const fresh = await rp.authorizeRequest({}, {}, rotated);
    expect((await rp.send(fresh.params)).status).toBe(303);
  });

  it('C-27: after a key change, a client assertion signed with the old key is refused at the token endpoint', async () => {
    const rp = await TestRp.create();
    const login = await loginThrough(rp);
    const rotated = await rotateSigningKey(rp);
    const refused = await rp.exchange(login.code, login.auth.verifier);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: string }).error).toBe('invalid_client');
    const assertion = await rp.assertion({}, rotated);
    expect((await rp.exchange(login.code, login.auth.verifier, {}, { assertion })).status).toBe(200);
  });
});
