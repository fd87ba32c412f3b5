import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { generateKeyPair, decodeJwt, decodeProtectedHeader, UnsecuredJWT } from 'jose';
import { codeHashOf } from '../../functions/oidc/handoff';
import { s256 } from '../../functions/core/pkce';
import { issueCard } from '../support/activation-client';
import { call, registry } from '../support/worker';
import { ACR, ASSERTION_TYPE, FISCAL_NUMBER, ISSUER, TestRp, rpAnswer, startLogin, verifyOp } from '../support/rp';
import { completeAs, loginThrough, tokensFor } from '../support/oidc-login';

async function expectError(res: Response, status: number, error: string) {
  const body = (await res.json()) as { error: string; error_description: string };
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(body.error).toBe(error);
  expect(typeof body.error_description).toBe('string');
  expect(res.headers.get('Content-Type')).toContain('application/json');
  expect(res.headers.get('Cache-Control')).toBe('no-store');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('token endpoint: code exchange (C-22 … C-26)', () => {
  it('C-22: a valid exchange → 200 JSON, no-store and no-cache, token_type Bearer, expires_in', async () => {
    const rp = await TestRp.create();
    const login = await loginThrough(rp);
    const res = await rp.exchange(login.code, login.auth.verifier);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toContain('application/json');
    expect(res.headers.get('Cache-Control')).toBe('no-store');
    expect(res.headers.get('Pragma')).toBe('no-cache');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.token_type).toBe('Bearer');
    expect(body.expires_in).toBe(600);
    expect(typeof body.access_token).toBe('string');
    expect(typeof body.id_token).toBe('string');
    expect(body.refresh_token).toBeUndefined();
  });

  it('C-23: GET, or a body that is not form-encoded → 4xx JSON error', async () => {
    await expectError(await call('/oidc/token'), 405, 'invalid_request');
    const rp = await TestRp.create();
    const login = await loginThrough(rp);
    const assertion = await rp.assertion();
    const json = await call('/oidc/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'authorization_code',
        code: login.code,
        code_verifier: login.auth.verifier,
        client_assertion: assertion,
        client_assertion_type: ASSERTION_TYPE,
      }),
    });
    await expectError(json, 415, 'invalid_request');
    await expectError(await rp.post('/oidc/token', { grant_type: 'authorization_code', pad: 'x'.repeat(70_000) }), 413, 'invalid_request');
  });

  it('C-24: a wrong code_verifier → 400 invalid_grant, and the code is still good for the right one', async () => {
    const rp = await TestRp.create();
    const login = await loginThrough(rp);
    await expectError(await rp.exchange(login.code, 'w'.repeat(43)), 400, 'invalid_grant');
    await expectError(await rp.exchange(login.code, 'short'), 400, 'invalid_grant');
    expect((await rp.exchange(login.code, login.auth.verifier)).status).toBe(200);
  });

  it('C-25: a code used twice → invalid_grant, and the tokens issued the first time are revoked', async () => {
    const rp = await TestRp.create();
    const { login, tokens } = await tokensFor(rp, { overrides: { scope: 'openid offline_access', prompt: 'consent' } });
    expect((await call('/oidc/userinfo', { headers: { Authorization: `Bearer ${tokens.access_token}` } })).status).toBe(200);
    await expectError(await rp.exchange(login.code, login.auth.verifier), 400, 'invalid_grant');
    expect((await call('/oidc/userinfo', { headers: { Authorization: `Bearer ${tokens.access_token}` } })).status).toBe(401);
    await expectError(await rp.refresh(tokens.refresh_token!), 400, 'invalid_grant');
  });

  it('C-25: two concurrent redemptions of one code: exactly one wins', async () => {
    const rp = await TestRp.create();
    const login = await loginThrough(rp);
    const answers = await Promise.all([1, 2, 3].map(() => rp.exchange(login.code, login.auth.verifier)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400, 400]);
  });

  it('C-26: a code presented by another client → invalid_grant', async () => {
    const rp = await TestRp.create();
    const other = await TestRp.create();
    const login = await loginThrough(rp);
    await expectError(await other.exchange(login.code, login.auth.verifier), 400, 'invalid_grant');
  });

  it('C-26: an expired code (older than 60 s) → invalid_grant', async () => {
    const rp = await TestRp.create();
    const card = await issueCard();
    const login = await startLogin(rp);
    const issuedAt = Date.now() - 61_000;
    const answer = await rpAnswer(
      await completeAs(login, { serial: card.serial, fiscalCode: card.citizen.fiscalCode, level: 2, method: 'sms', authTime: issuedAt }, issuedAt),
    );
    await expectError(await rp.exchange(answer.get('code')!, login.auth.verifier), 400, 'invalid_grant');
  });

  it('C-26: the grant refuses a code past its 60 s, by its own clock, and still takes it within them', async () => {
    const rp = await TestRp.create();
    const login = await loginThrough(rp);
    const [grantId, secret] = login.code.split('.') as [string, string];
    const stub = env.FLOW.get(env.FLOW.idFromString(grantId));
    const hash = await codeHashOf(secret);
    const challenge = await s256(login.auth.verifier);
    expect(await stub.redeemCode(hash, rp.clientId, challenge, null, [], Date.now() + 61_000)).toEqual({ outcome: 'refused', reason: 'code expired' });
    expect((await stub.redeemCode(hash, rp.clientId, challenge, null, [], Date.now() + 50_000)).outcome).toBe('ok');
  });

  it('C-26: unknown, malformed or forged codes → invalid_grant; a missing code → invalid_request', async () => {
    const rp = await TestRp.create();
    const login = await loginThrough(rp);
    const [grantId] = login.code.split('.');
    for (const code of ['nope', `${'0'.repeat(64)}.${'A'.repeat(43)}`, `${grantId}.${'A'.repeat(43)}`]) {
      await expectError(await rp.exchange(code, login.auth.verifier), 400, 'invalid_grant');
    }
    await expectError(await rp.exchange(undefined as never, login.auth.verifier), 400, 'invalid_request');
    await expectError(await rp.exchange(login.code, undefined as never), 400, 'invalid_request');
  });

  it('a redirect_uri sent with the code must be the one of the request', async () => {
    const rp = await TestRp.create();
    const login = await loginThrough(rp);
    await expectError(await rp.exchange(login.code, login.auth.verifier, { redirect_uri: 'https://elsewhere.example.it/cb' }), 400, 'invalid_grant');
    expect((await rp.exchange(login.code, login.auth.verifier, { redirect_uri: rp.redirectUri })).status).toBe(200);
  });

  it('R-CARD-3: a card blocked between the login and the exchange gets no tokens', async () => {
    const rp = await TestRp.create();
    const login = await loginThrough(rp);
    await registry(`/cards/${login.card.serial}/block`, { reason: 'lost' });
    await expectError(await rp.exchange(login.code, login.auth.verifier), 400, 'invalid_grant');
  });
});

describe('token endpoint: client authentication (C-27) and grant types (C-28)', () => {
  async function withAssertion(rp: TestRp, assertion: string | null, extra: Record<string, string | undefined> = {}) {
    const login = await loginThrough(rp);
    return rp.exchange(login.code, login.auth.verifier, extra, { assertion });
  }

  it('C-27: missing assertion, wrong or missing assertion type → 401 invalid_client', async () => {
    const rp = await TestRp.create();
    await expectError(await withAssertion(rp, null), 401, 'invalid_client');
    await expectError(await withAssertion(rp, await rp.assertion(), { client_assertion_type: 'urn:other' }), 401, 'invalid_client');
    await expectError(await withAssertion(rp, await rp.assertion(), { client_assertion_type: undefined }), 401, 'invalid_client');
  });

  it('C-27: unsigned (alg none), not a JWT, or signed by a key the client did not register → 401', async () => {
    const rp = await TestRp.create();
    const now = Math.floor(Date.now() / 1000);
    const unsigned = new UnsecuredJWT({ iss: rp.clientId, sub: rp.clientId, aud: `${ISSUER}/oidc/token`, exp: now + 60, jti: crypto.randomUUID() }).encode();
    await expectError(await withAssertion(rp, unsigned), 401, 'invalid_client');
    await expectError(await withAssertion(rp, 'not-a-jwt'), 401, 'invalid_client');
    const { privateKey } = await generateKeyPair('RS256');
    await expectError(await withAssertion(rp, await rp.assertion({}, { key: privateKey })), 401, 'invalid_client');
  });

  it('C-27: wrong iss, sub or aud → 401 invalid_client', async () => {
    const rp = await TestRp.create();
    const other = await TestRp.create();
    await expectError(await withAssertion(rp, await rp.assertion({ iss: other.clientId })), 401, 'invalid_client');
    await expectError(await withAssertion(rp, await rp.assertion({ sub: other.clientId })), 401, 'invalid_client');
    await expectError(await withAssertion(rp, await rp.assertion({ sub: undefined })), 401, 'invalid_client');
    await expectError(await withAssertion(rp, await rp.assertion({ aud: 'https://other-op.example.it/token' })), 401, 'invalid_client');
    await expectError(await withAssertion(rp, await rp.assertion({ aud: undefined })), 401, 'invalid_client');
  });

  it('C-27: the issuer is an accepted audience too', async () => {
    const rp = await TestRp.create();
    expect((await withAssertion(rp, await rp.assertion({ aud: ISSUER }))).status).toBe(200);
  });

  it('C-27: expired or without exp → 401 invalid_client', async () => {
    const rp = await TestRp.create();
    const now = Math.floor(Date.now() / 1000);
    await expectError(await withAssertion(rp, await rp.assertion({ iat: now - 600, exp: now - 300 })), 401, 'invalid_client');
    await expectError(await withAssertion(rp, await rp.assertion({ exp: undefined })), 401, 'invalid_client');
    await expectError(await withAssertion(rp, await rp.assertion({ exp: now + 86_400 })), 401, 'invalid_client');
  });

  it('C-27: jti missing or replayed → 401 invalid_client', async () => {
    const rp = await TestRp.create();
    await expectError(await withAssertion(rp, await rp.assertion({ jti: undefined })), 401, 'invalid_client');
    const assertion = await rp.assertion();
    expect((await withAssertion(rp, assertion)).status).toBe(200);
    await expectError(await withAssertion(rp, assertion), 401, 'invalid_client');
  });

  it("C-27: a client_id that differs from the assertion's issuer → 401", async () => {
    const rp = await TestRp.create();
    const other = await TestRp.create();
    await expectError(await withAssertion(rp, await rp.assertion(), { client_id: other.clientId }), 401, 'invalid_client');
  });

  it('C-28: grant_type missing → invalid_request; unknown → unsupported_grant_type', async () => {
    const rp = await TestRp.create();
    await expectError(await rp.post('/oidc/token', {}), 400, 'invalid_request');
    await expectError(await rp.post('/oidc/token', { grant_type: 'password' }), 400, 'unsupported_grant_type');
    await expectError(await rp.post('/oidc/token', { grant_type: 'toString' }), 400, 'unsupported_grant_type');
  });
});

describe('tokens (C-29 … C-33)', () => {
  it('C-29: the ID token — a published kid, iss, aud, nonce, at_hash, acr, iat, nbf = iat, exp 5 min, uuid jti', async () => {
    const rp = await TestRp.create();
    const { login, tokens } = await tokensFor(rp);
    const { payload, protectedHeader } = await verifyOp(tokens.id_token!, { audience: rp.clientId });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.iss).toBe(ISSUER);
    expect(payload.aud).toBe(rp.clientId);
    expect(payload.nonce).toBe(login.auth.nonce);
    expect(payload.acr).toBe(ACR[2]);
    expect(payload.nbf).toBe(payload.iat);
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload.jti).toMatch(UUID);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(tokens.access_token)));
    const expected = btoa(String.fromCharCode(...digest.slice(0, 16)))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    expect(payload.at_hash).toBe(expected);
  });

  it('C-29 / C-14: acr is the level proven, which may be higher than the one asked', async () => {
    const rp = await TestRp.create();
    const { tokens } = await tokensFor(rp, { overrides: { acr_values: ACR[1] }, level: 2 });
    expect(decodeJwt(tokens.id_token!).acr).toBe(ACR[2]);
  });

  it('C-30: sub is pairwise — two RPs differ for one citizen, one RP always gets the same', async () => {
    const card = await issueCard();
    const rpA = await TestRp.create();
    const rpB = await TestRp.create();
    const first = decodeJwt((await tokensFor(rpA, { card })).tokens.id_token!).sub;
    const again = decodeJwt((await tokensFor(rpA, { card })).tokens.id_token!).sub;
    const other = decodeJwt((await tokensFor(rpB, { card })).tokens.id_token!).sub;
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(first).not.toContain(card.citizen.fiscalCode);
  });

  it('C-31: the access token — typ at+jwt, aud includes the userinfo endpoint, scope, exp ≤ 15 min', async () => {
    const rp = await TestRp.create();
    const { tokens } = await tokensFor(rp, { overrides: { scope: 'openid profile email' } });
    const { payload, protectedHeader } = await verifyOp(tokens.access_token, { typ: 'at+jwt' });
    expect(protectedHeader.typ).toBe('at+jwt');
    expect(payload.aud).toEqual(expect.arrayContaining([`${ISSUER}/oidc/userinfo`, rp.clientId]));
    expect(payload.client_id).toBe(rp.clientId);
    expect(String(payload.scope).split(' ').sort()).toEqual(['email', 'openid', 'profile']);
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(900);
    expect(payload.jti).toMatch(UUID);
  });

  it('C-32: scope=profile → given_name, family_name, birthdate, fiscal_number (TINIT-) in the ID token', async () => {
    const rp = await TestRp.create();
    const card = await issueCard();
    const { tokens } = await tokensFor(rp, { card, overrides: { scope: 'openid profile' } });
    const claims = decodeJwt(tokens.id_token!);
    expect(claims.given_name).toBe(card.citizen.givenName);
    expect(claims.family_name).toBe(card.citizen.familyName);
    expect(claims.birthdate).toBe(card.citizen.birthDate);
    expect(claims[FISCAL_NUMBER]).toBe(`TINIT-${card.citizen.fiscalCode}`);
    expect(claims.email).toBeUndefined();
  });

  it('C-32: scope=email → email and email_verified; only openid → no user claims in the ID token', async () => {
    const rp = await TestRp.create();
    const card = await issueCard({ email: `mario.${crypto.randomUUID().slice(0, 8)}@example.it` });
    const withEmail = decodeJwt((await tokensFor(rp, { card, overrides: { scope: 'openid email' } })).tokens.id_token!);
    expect(withEmail.email).toBe(card.citizen.email);
    expect(withEmail.email_verified).toBe(false);
    expect(withEmail.given_name).toBeUndefined();
    const bare = decodeJwt((await tokensFor(rp, { card, overrides: { scope: 'openid' } })).tokens.id_token!);
    for (const claim of ['given_name', 'family_name', 'birthdate', FISCAL_NUMBER, 'email']) expect(bare[claim]).toBeUndefined();
  });

  it('C-33: with id_token_encrypted_response_alg registered, the ID token is a JWE (cty JWT) wrapping our JWS', async () => {
    for (const [encKey, alg, enc] of [
      ['EC', 'ECDH-ES+A256KW', 'A256GCM'],
      ['RSA', 'RSA-OAEP-256', undefined],
    ] as const) {
      const rp = await TestRp.create({ encKey, idTokenEncryption: { alg, ...(enc ? { enc } : {}) } });
      const { login, tokens } = await tokensFor(rp);
      const header = decodeProtectedHeader(tokens.id_token!);
      expect(header).toMatchObject({ alg, enc: enc ?? 'A128CBC-HS256', cty: 'JWT', kid: rp.enc.kid });
      const { plaintext } = await rp.decrypt(tokens.id_token!);
      const { payload } = await verifyOp(plaintext, { audience: rp.clientId });
      expect(payload.nonce).toBe(login.auth.nonce);
    }
  });

  it('C-33: without it, the ID token is a plain JWS', async () => {
    const rp = await TestRp.create();
    const { tokens } = await tokensFor(rp);
    expect(tokens.id_token!.split('.')).toHaveLength(3);
    expect(decodeProtectedHeader(tokens.id_token!).enc).toBeUndefined();
  });
});
