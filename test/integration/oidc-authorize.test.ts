import { describe, expect, it } from 'vitest';
import { UnsecuredJWT, generateKeyPair } from 'jose';
import { call } from '../support/worker';
import { ACR, ISSUER, TestRp, rpAnswer, startLogin } from '../support/rp';
import { loginThrough, readFlowAs } from '../support/oidc-login';

/** The login request as the pages read it: the flow's OIDC part, or null. */
const requestAsRead = async (flowId: string, cookie?: string) => (await readFlowAs(flowId, cookie))?.request ?? null;

/** An error sent back to the RP: 302 to its redirect_uri with error, state and iss (CONFORMANCE "error redirect"). */
async function expectErrorRedirect(res: Response, rp: TestRp, error: string, state?: string) {
  expect(res.status, await res.clone().text()).toBe(302);
  const answer = await rpAnswer(res);
  expect(answer.target).toBe(rp.redirectUri);
  expect(answer.get('error')).toBe(error);
  expect(answer.get('error_description')).toBeTruthy();
  expect(answer.get('iss')).toBe(ISSUER);
  if (state !== undefined) expect(answer.get('state')).toBe(state);
  expect(answer.get('code')).toBeNull();
}

/** The 400 page: never a redirect. */
async function expectErrorPage(res: Response, status = 400) {
  expect(res.status).toBe(status);
  expect(res.headers.get('Location')).toBeNull();
  expect(res.headers.get('Content-Type')).toContain('text/html');
  expect(await res.text()).toContain('Richiesta di accesso non valida');
}

/** Sends a request object with `overrides` and expects the error redirect `error` carrying its state. */
async function refused(rp: TestRp, overrides: Record<string, unknown>, error = 'invalid_request', params: Record<string, string | undefined> = {}) {
  const auth = await rp.authorizeRequest(overrides, params);
  await expectErrorRedirect(await rp.send(auth.params), rp, error, overrides.state === undefined ? auth.state : undefined);
}

async function accepted(rp: TestRp, overrides: Record<string, unknown>, params: Record<string, string | undefined> = {}) {
  const auth = await rp.authorizeRequest(overrides, params);
  const res = await rp.send(auth.params);
  expect(res.status, res.headers.get('Location') ?? (await res.text())).toBe(303);
  return res;
}

describe('authorization endpoint: a valid request (C-5, C-19)', () => {
  it('C-5: GET → 303 to the login pages, a binding cookie, and the request as the pages will read it', async () => {
    const rp = await TestRp.create({ clientName: 'Comune di Fondi' });
    const { res, flowId, cookie, auth } = await startLogin(rp, { scope: 'openid profile email' });
    expect(res.headers.get('Set-Cookie')).toMatch(/^cie_login=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax/);
    const asRead = await requestAsRead(flowId, cookie);
    expect(asRead).toEqual({
      clientId: rp.clientId,
      clientName: 'Comune di Fondi',
      redirectUri: rp.redirectUri,
      responseMode: 'query',
      state: auth.state,
      nonce: auth.nonce,
      acr: 2,
      scope: ['email', 'openid', 'profile'],
      claims: expect.objectContaining({ userinfo: expect.arrayContaining(['given_name', 'email_verified']) }),
      codeChallenge: auth.claims.code_challenge,
      prompt: ['consent', 'login'],
    });
  });

  it('C-5: the flow is bound to the browser that started it — another browser reads nothing', async () => {
    const rp = await TestRp.create();
    const { flowId } = await startLogin(rp);
    expect(await requestAsRead(flowId)).toBeNull();
    expect(await requestAsRead(flowId, 'A'.repeat(43))).toBeNull();
  });

  it('C-5: GET, login and consent lead to a 302 to the redirect_uri with code, state and iss', async () => {
    const rp = await TestRp.create();
    const login = await loginThrough(rp);
    expect(login.answer.target).toBe(rp.redirectUri);
    expect(login.answer.get('code')).toMatch(/^[0-9a-f]{64}\.[A-Za-z0-9_-]{43}$/);
    expect(login.answer.get('state')).toBe(login.auth.state);
    expect(login.answer.get('iss')).toBe(ISSUER);
  });

  it('C-5: the same request by POST form works the same way', async () => {
    const rp = await TestRp.create();
    const login = await loginThrough(rp, { method: 'POST' });
    expect(login.res.status).toBe(303);
    expect(login.answer.get('state')).toBe(login.auth.state);
    expect(login.answer.get('iss')).toBe(ISSUER);
  });

  it('C-5: response_mode=form_post answers with a self-posting form to the redirect_uri, allowed by the CSP', async () => {
    const rp = await TestRp.create();
    const login = await loginThrough(rp, { overrides: { response_mode: 'form_post' } });
    expect(login.answer.target).toBe(rp.redirectUri);
    expect(login.answer.get('state')).toBe(login.auth.state);
    expect(login.answer.get('iss')).toBe(ISSUER);
  });

  it('C-5: the form_post page runs only its own script and may post only to the RP', async () => {
    const rp = await TestRp.create();
    const auth = await rp.authorizeRequest({ response_mode: 'form_post', prompt: 'none' });
    const res = await rp.send(auth.params);
    expect(res.status).toBe(200);
    const csp = res.headers.get('Content-Security-Policy')!;
    expect(csp).toMatch(/script-src 'sha256-[A-Za-z0-9+/=]+'/);
    expect(csp).toContain(`form-action ${new URL(rp.redirectUri).origin}`);
    expect((await rpAnswer(res)).get('error')).toBe('invalid_request');
  });

  it('C-19: unknown extra parameters, in the query and in the request object, are ignored', async () => {
    const rp = await TestRp.create();
    await accepted(rp, { ui_locales: 'it', favourite_colour: 'blue', extra: { nested: true } }, { foo: 'bar', display: 'page' });
  });
});

describe('authorization endpoint: refusals before the RP is trusted — the 400 page (C-7, C-13)', () => {
  it('C-7: an unknown client gets the 400 page, never a redirect', async () => {
    const rp = await TestRp.create({ register: false });
    const auth = await rp.authorizeRequest();
    await expectErrorPage(await rp.send(auth.params));
  });

  it('C-7: no client_id anywhere → 400 page', async () => {
    const rp = await TestRp.create();
    await expectErrorPage(await call('/oidc/authorize?scope=openid'));
    const auth = await rp.authorizeRequest({}, { client_id: undefined, request: 'not-a-jwt' });
    await expectErrorPage(await rp.send(auth.params));
  });

  it('C-13: a redirect_uri not registered for the client → 400 page', async () => {
    const rp = await TestRp.create();
    for (const uri of ['https://evil.example/cb', `${rp.redirectUri}/x`, `${rp.redirectUri}?x=1`, rp.redirectUri.toUpperCase()]) {
      const auth = await rp.authorizeRequest({ redirect_uri: uri });
      await expectErrorPage(await rp.send(auth.params));
    }
  });

  it('C-13: a missing redirect_uri → 400 page', async () => {
    const rp = await TestRp.create();
    const auth = await rp.authorizeRequest({ redirect_uri: undefined });
    await expectErrorPage(await rp.send(auth.params));
  });

  it('C-13: a redirect_uri in the query that differs from the request object → 400 page', async () => {
    const rp = await TestRp.create();
    const auth = await rp.authorizeRequest({}, { redirect_uri: 'https://evil.example/cb' });
    await expectErrorPage(await rp.send(auth.params));
  });

  it("C-7: the query names another registered client than the request object: its redirect_uri is not that client's → 400 page", async () => {
    const rp = await TestRp.create();
    const other = await TestRp.create();
    const auth = await rp.authorizeRequest({}, { client_id: other.clientId });
    await expectErrorPage(await rp.send(auth.params));
  });

  it('hostile bodies: POST not form-encoded → 415 page; a repeated parameter → 400 page; oversized → 413', async () => {
    const rp = await TestRp.create();
    const auth = await rp.authorizeRequest();
    const asJson = await call('/oidc/authorize', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(auth.params) });
    await expectErrorPage(asJson, 415);
    await expectErrorPage(await call(`/oidc/authorize?${new URLSearchParams(auth.params)}&scope=openid`));
    const big = await rp.send({ ...auth.params, pad: 'x'.repeat(70_000) }, 'POST');
    await expectErrorPage(big, 413);
  });
});

describe('authorization endpoint: refusals sent back to the RP (C-6 … C-18)', () => {
  it('C-6: missing request → invalid_request to the redirect_uri given in the query', async () => {
    const rp = await TestRp.create();
    const auth = await rp.authorizeRequest({}, { request: undefined, redirect_uri: rp.redirectUri, state: 's'.repeat(32) });
    await expectErrorRedirect(await rp.send(auth.params), rp, 'invalid_request', 's'.repeat(32));
  });

  it('C-6: a request that is not a JWT → invalid_request_object', async () => {
    const rp = await TestRp.create();
    const auth = await rp.authorizeRequest({}, { request: 'this.is-not.a-jwt', redirect_uri: rp.redirectUri });
    await expectErrorRedirect(await rp.send(auth.params), rp, 'invalid_request_object');
  });

  it('C-6: a bad signature (payload changed after signing) → invalid_request_object', async () => {
    const rp = await TestRp.create();
    const auth = await rp.authorizeRequest();
    const [h, p, s] = auth.request.split('.');
    const payload = JSON.parse(atob(p!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    payload.acr_values = ACR[1];
    const forged = `${h}.${btoa(JSON.stringify(payload)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}.${s}`;
    await expectErrorRedirect(await rp.send({ ...auth.params, request: forged }), rp, 'invalid_request_object', auth.state);
  });

  it("C-6: signed with a key not in the client's JWKS (same kid, other key) → invalid_request_object", async () => {
    const rp = await TestRp.create();
    const { privateKey } = await generateKeyPair('RS256');
    const auth = await rp.authorizeRequest({}, {}, { key: privateKey });
    await expectErrorRedirect(await rp.send(auth.params), rp, 'invalid_request_object', auth.state);
  });

  it('C-6: signed with an unknown kid → invalid_request_object', async () => {
    const rp = await TestRp.create();
    const auth = await rp.authorizeRequest({}, {}, { kid: 'not-registered' });
    await expectErrorRedirect(await rp.send(auth.params), rp, 'invalid_request_object', auth.state);
  });

  it('C-6: an unsigned request object (alg none) → invalid_request_object', async () => {
    const rp = await TestRp.create();
    const auth = await rp.authorizeRequest();
    const unsigned = new UnsecuredJWT(auth.claims as never).encode();
    await expectErrorRedirect(await rp.send({ ...auth.params, request: unsigned }), rp, 'invalid_request_object', auth.state);
  });

  it('C-6: request_uri is not supported', async () => {
    const rp = await TestRp.create();
    const auth = await rp.authorizeRequest({}, { request_uri: 'https://rp.example.it/req.jwt' });
    await expectErrorRedirect(await rp.send(auth.params), rp, 'request_uri_not_supported', auth.state);
  });

  it('C-6: an ES256-signed request object from an EC key of the client is accepted', async () => {
    const rp = await TestRp.create({ signAlg: 'ES256' });
    await accepted(rp, {});
  });

  it("C-7: client_id in the request object differs from the query's → invalid_request", async () => {
    const rp = await TestRp.create();
    const other = await TestRp.create();
    await refused(rp, { client_id: other.clientId }, 'invalid_request', { client_id: rp.clientId });
  });

  it('C-7: client_id missing from the query, though the request object has it → invalid_request (OpenID Connect Core §6.1)', async () => {
    const rp = await TestRp.create();
    await refused(rp, {}, 'invalid_request', { client_id: undefined });
    // The same by POST form: the form is the query there.
    const auth = await rp.authorizeRequest({}, { client_id: undefined });
    await expectErrorRedirect(await rp.send(auth.params, 'POST'), rp, 'invalid_request', auth.state);
  });

  it('C-7: client_id present but empty in the query → invalid_request', async () => {
    const rp = await TestRp.create();
    await refused(rp, {}, 'invalid_request', { client_id: '' });
  });

  it('C-8: scope missing in the query or in the object → invalid_request', async () => {
    const rp = await TestRp.create();
    await refused(rp, {}, 'invalid_request', { scope: undefined });
    await refused(rp, { scope: undefined }, 'invalid_request', { scope: 'openid profile' });
  });

  it('C-8: scope without openid, different between query and object, or unknown → invalid_scope', async () => {
    const rp = await TestRp.create();
    await refused(rp, { scope: 'profile' }, 'invalid_scope');
    await refused(rp, { scope: 'openid profile' }, 'invalid_scope', { scope: 'openid email' });
    await refused(rp, { scope: 'openid admin' }, 'invalid_scope');
  });

  it('C-8: the same scopes in another order are the same scope', async () => {
    const rp = await TestRp.create();
    await accepted(rp, { scope: 'openid profile email' }, { scope: 'email openid profile' });
  });

  it('C-9: response_type missing → invalid_request; not code → unsupported_response_type', async () => {
    const rp = await TestRp.create();
    await refused(rp, { response_type: undefined }, 'invalid_request', { response_type: undefined });
    await refused(rp, { response_type: 'id_token' }, 'unsupported_response_type');
    await refused(rp, { response_type: 'code id_token' }, 'unsupported_response_type');
    await refused(rp, {}, 'invalid_request', { response_type: 'token' });
  });

  it('C-9: response_type missing from the query, though the request object has it → invalid_request (OpenID Connect Core §6.1)', async () => {
    const rp = await TestRp.create();
    await refused(rp, {}, 'invalid_request', { response_type: undefined });
    const auth = await rp.authorizeRequest({}, { response_type: undefined });
    await expectErrorRedirect(await rp.send(auth.params, 'POST'), rp, 'invalid_request', auth.state);
  });

  it('C-10: no code_challenge, method plain or missing, or a malformed challenge → invalid_request', async () => {
    const rp = await TestRp.create();
    await refused(rp, { code_challenge: undefined }, 'invalid_request', { code_challenge: undefined });
    await refused(rp, { code_challenge_method: 'plain' });
    await refused(rp, { code_challenge_method: undefined });
    await refused(rp, { code_challenge: 'short' }, 'invalid_request', { code_challenge: 'short' });
  });

  it('C-11: state or nonce missing or shorter than 32 characters → invalid_request (the short state is echoed)', async () => {
    const rp = await TestRp.create();
    const short = 'a'.repeat(31);
    let auth = await rp.authorizeRequest({ state: short });
    await expectErrorRedirect(await rp.send(auth.params), rp, 'invalid_request', short);
    auth = await rp.authorizeRequest({ state: undefined });
    await expectErrorRedirect(await rp.send(auth.params), rp, 'invalid_request');
    await refused(rp, { nonce: undefined });
    await refused(rp, { nonce: short });
    await accepted(rp, { state: 'b'.repeat(32), nonce: 'c'.repeat(32) });
  });

  it('C-12: prompt missing or none → invalid_request; consent alone is fine', async () => {
    const rp = await TestRp.create();
    await refused(rp, { prompt: undefined });
    await refused(rp, { prompt: 'none' });
    await refused(rp, { prompt: 'consent none' });
    await refused(rp, { prompt: 'select_account' });
    await accepted(rp, { prompt: 'consent' });
  });

  it('C-14: acr_values missing or unknown → invalid_request; several known values are fine', async () => {
    const rp = await TestRp.create();
    await refused(rp, { acr_values: undefined });
    await refused(rp, { acr_values: 'https://www.spid.gov.it/SpidL4' });
    await refused(rp, { acr_values: `${ACR[2]} urn:other` });
    await accepted(rp, { acr_values: `${ACR[2]} ${ACR[1]}` });
  });

  it('C-15: malformed claims or unknown claim names → invalid_request', async () => {
    const rp = await TestRp.create();
    await refused(rp, { claims: '{not json' });
    await refused(rp, { claims: { userinfo: { favourite_colour: null } } });
    await refused(rp, { claims: { access_token: { email: null } } });
    await refused(rp, { claims: { userinfo: { email: { essential: 'yes' } } } });
  });

  it('C-15: known claims asked through claims reach the login request', async () => {
    const rp = await TestRp.create();
    const { flowId, cookie } = await startLogin(rp, {
      scope: 'openid',
      claims: { userinfo: { phone_number: null }, id_token: { family_name: { essential: true } } },
    });
    const req = await requestAsRead(flowId, cookie);
    expect(req?.claims).toEqual({ id_token: ['family_name'], userinfo: ['phone_number'] });
  });

  it('C-16: request object expired, or without exp → invalid_request_object', async () => {
    const rp = await TestRp.create();
    const now = Math.floor(Date.now() / 1000);
    await refused(rp, { iat: now - 600, exp: now - 300 }, 'invalid_request_object');
    await refused(rp, { exp: undefined }, 'invalid_request_object');
    await refused(rp, { iat: now + 600, exp: now + 900 }, 'invalid_request_object');
  });

  it('C-16: wrong or missing iss (= client_id) or aud (= issuer) → invalid_request_object', async () => {
    const rp = await TestRp.create();
    await refused(rp, { iss: 'https://someone-else.example.it' }, 'invalid_request_object');
    await refused(rp, { iss: undefined }, 'invalid_request_object');
    await refused(rp, { aud: 'https://other-op.example.it' }, 'invalid_request_object');
    await refused(rp, { aud: undefined }, 'invalid_request_object');
    await accepted(rp, { aud: [ISSUER, 'https://other.example.it'] });
  });

  it('C-17: a nonce already used by the client → invalid_request; another client may use the same value', async () => {
    const rp = await TestRp.create();
    const other = await TestRp.create();
    const nonce = `nonce-${crypto.randomUUID()}`;
    await accepted(rp, { nonce });
    await refused(rp, { nonce });
    await accepted(other, { nonce });
  });

  it('C-17: a request refused for another reason does not burn its nonce', async () => {
    const rp = await TestRp.create();
    const nonce = `nonce-${crypto.randomUUID()}`;
    await refused(rp, { nonce, prompt: 'none' });
    await accepted(rp, { nonce });
  });

  it('C-18: offline_access without prompt consent → invalid_request; with consent it is accepted', async () => {
    const rp = await TestRp.create();
    await refused(rp, { scope: 'openid offline_access', prompt: 'login' }, 'invalid_request', { scope: 'openid offline_access' });
    await accepted(rp, { scope: 'openid offline_access', prompt: 'consent' }, { scope: 'openid offline_access' });
  });

  it('errors before a valid response_mode go back as a query redirect; form_post is honoured once known', async () => {
    const rp = await TestRp.create();
    const auth = await rp.authorizeRequest({ response_mode: 'fragment' });
    const res = await rp.send(auth.params);
    await expectErrorRedirect(res, rp, 'invalid_request', auth.state);
  });
});
