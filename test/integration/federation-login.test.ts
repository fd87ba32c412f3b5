import { describe, expect, it } from 'vitest';
import { call } from '../support/worker';
import { ISSUER, claimsOf, verifyOp } from '../support/rp';
import { fetchUrl } from '../../functions/core/federation-statement';
import { forgetFederatedClients } from '../../functions/platform/federation-cache';
import { federatedLogin, fetchEndpointOf, postAs, publish, smallFederation } from '../support/federation';

describe('OpenID Federation: a relying party known only by its trust chain (issue 14)', () => {
  it('an RP whose chain runs through an intermediate to the trust anchor completes a level 2 login: code, tokens, userinfo', async () => {
    const { rp, worker } = await smallFederation({ intermediates: 1 });
    const login = await federatedLogin(worker, rp);
    const tokenRes = await postAs(worker, rp, '/oidc/token', { grant_type: 'authorization_code', code: login.code, code_verifier: login.auth.verifier });
    expect(tokenRes.status).toBe(200);
    const tokens = (await tokenRes.json()) as { id_token: string; access_token: string };
    const idToken = await verifyOp(tokens.id_token, { audience: rp.clientId });
    expect(idToken.payload.iss).toBe(ISSUER);
    expect(claimsOf(tokens.id_token).aud).toBe(rp.clientId);
    const info = await worker.call('/oidc/userinfo', { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(info.status).toBe(200);
    const { plaintext } = await rp.decrypt(await info.text());
    expect(plaintext.split('.')).toHaveLength(3);
  });

  it('once its chain no longer resolves, the RP is refused: userinfo 401 invalid_token, the token endpoint 401 invalid_client', async () => {
    const { ta, leaf, rp, worker } = await smallFederation();
    const login = await federatedLogin(worker, rp);
    const tokenRes = await postAs(worker, rp, '/oidc/token', { grant_type: 'authorization_code', code: login.code, code_verifier: login.auth.verifier });
    const tokens = (await tokenRes.json()) as { access_token: string; refresh_token?: string };
    // The trust anchor withdraws its statement; this isolate's resolution is forgotten as if it had expired.
    await publish(fetchUrl(fetchEndpointOf(ta), leaf.entityId), 'gone', { status: 404, type: 'text/plain' });
    forgetFederatedClients();
    const info = await worker.call('/oidc/userinfo', { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(info.status).toBe(401);
    expect(info.headers.get('WWW-Authenticate')).toContain('invalid_token');
    const refused = await postAs(worker, rp, '/oidc/token', { grant_type: 'refresh_token', refresh_token: 'x' });
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: string }).error).toBe('invalid_client');
  });

  it('without FEDERATION_TRUST_ANCHORS the same RP is simply unknown: the 400 page, nothing fetched', async () => {
    const { rp } = await smallFederation();
    const auth = await rp.authorizeRequest();
    const res = await call(`/oidc/authorize?${new URLSearchParams(auth.params)}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('client_id is not registered');
  });
});
