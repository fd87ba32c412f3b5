import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { signJwt } from '../../functions/oidc/keys';
import { issueCard } from '../support/activation-client';
import { call, registry } from '../support/worker';
import { FISCAL_NUMBER, ISSUER, TestRp, verifyOp } from '../support/rp';
import { tokensFor } from '../support/oidc-login';

const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const get = (token: string) => call('/oidc/userinfo', { headers: { Authorization: `Bearer ${token}` } });
const post = (token: string) =>
  call('/oidc/userinfo', { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body: '' });

/** What the RP does with the answer: decrypt, check the JWE header, verify the inner JWS. */
async function open(rp: TestRp, res: Response) {
  expect(res.status).toBe(200);
  expect(res.headers.get('Content-Type')).toBe('application/jwt');
  expect(res.headers.get('Cache-Control')).toBe('no-store');
  const jwe = new TextDecoder().decode(await res.arrayBuffer());
  expect(jwe.split('.')).toHaveLength(5);
  const { header, plaintext } = await rp.decrypt(jwe);
  expect(header.cty).toBe('JWT');
  expect(header.kid).toBe(rp.enc.kid);
  const { payload } = await verifyOp(plaintext, { audience: rp.clientId });
  return { header, payload };
}

async function expect401(res: Response, error: string | null) {
  expect(res.status).toBe(401);
  const challenge = res.headers.get('WWW-Authenticate');
  expect(challenge).toMatch(/^Bearer/);
  if (error) expect(challenge).toContain(`error="${error}"`);
}

describe('userinfo (C-34)', () => {
  it("C-34: GET with a Bearer token → 200, a JWE (cty JWT) for the RP wrapping our JWS: iss, aud, the ID token's sub, the claims", async () => {
    const rp = await TestRp.create();
    const card = await issueCard();
    const { tokens } = await tokensFor(rp, { card, overrides: { scope: 'openid profile' } });
    const { header, payload } = await open(rp, await get(tokens.access_token));
    expect(header).toMatchObject({ alg: 'ECDH-ES', enc: 'A256CBC-HS512' });
    expect(payload.iss).toBe(ISSUER);
    expect(payload.aud).toBe(rp.clientId);
    expect(payload.sub).toBe(decodeJwt(tokens.id_token!).sub);
    expect(payload.given_name).toBe(card.citizen.givenName);
    expect(payload.family_name).toBe(card.citizen.familyName);
    expect(payload.birthdate).toBe(card.citizen.birthDate);
    expect(payload[FISCAL_NUMBER]).toBe(`TINIT-${card.citizen.fiscalCode}`);
    expect(payload.email).toBeUndefined();
  });

  it('C-34: the userinfo JWS carries a uuid4 jti, as the ID token and the access token do, new in every response', async () => {
    const rp = await TestRp.create();
    const { tokens } = await tokensFor(rp, { overrides: { scope: 'openid profile' } });
    const first = (await open(rp, await get(tokens.access_token))).payload;
    const second = (await open(rp, await post(tokens.access_token))).payload;
    expect(first.jti).toMatch(UUID4);
    expect(second.jti).toMatch(UUID4);
    expect(second.jti).not.toBe(first.jti);
    expect(first.jti).not.toBe(decodeJwt(tokens.access_token).jti);
  });

  it('C-34: POST works the same way', async () => {
    const rp = await TestRp.create();
    const { tokens } = await tokensFor(rp, { overrides: { scope: 'openid profile' } });
    const { payload } = await open(rp, await post(tokens.access_token));
    expect(payload.given_name).toBeTruthy();
  });

  it('C-34 / C-32: only openid → only sub (and the JWT claims); email → email and email_verified', async () => {
    const rp = await TestRp.create();
    const { tokens } = await tokensFor(rp, { overrides: { scope: 'openid' } });
    const { payload } = await open(rp, await get(tokens.access_token));
    expect(Object.keys(payload).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'sub']);
    const card = await issueCard({ email: `anna.${crypto.randomUUID().slice(0, 8)}@example.it` });
    const withEmail = await tokensFor(rp, { card, overrides: { scope: 'openid email' } });
    const mail = (await open(rp, await get(withEmail.tokens.access_token))).payload;
    expect(mail.email).toBe(card.citizen.email);
    expect(mail.email_verified).toBe(false);
    expect(mail.given_name).toBeUndefined();
  });

  it('C-32 / C-15: phone_number asked through claims is released in userinfo only', async () => {
    const rp = await TestRp.create();
    const card = await issueCard();
    const { tokens } = await tokensFor(rp, { card, overrides: { scope: 'openid', claims: { userinfo: { phone_number: null } } } });
    expect((await open(rp, await get(tokens.access_token))).payload.phone_number).toBe(card.citizen.phone);
    expect(decodeJwt(tokens.id_token!).phone_number).toBeUndefined();
  });

  it('C-34: encrypted to an RSA key with the algorithms the RP registered', async () => {
    const rp = await TestRp.create({ encKey: 'RSA', userinfoEncryption: { alg: 'RSA-OAEP', enc: 'A128CBC-HS256' } });
    const { tokens } = await tokensFor(rp);
    const { header } = await open(rp, await get(tokens.access_token));
    expect(header).toMatchObject({ alg: 'RSA-OAEP', enc: 'A128CBC-HS256', cty: 'JWT' });
  });
});

describe('userinfo refusals (C-35)', () => {
  it('C-35: no token → 401 with a bare Bearer challenge', async () => {
    const res = await call('/oidc/userinfo');
    await expect401(res, null);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_token');
  });

  it('C-35: malformed → 401 invalid_token', async () => {
    await expect401(await get('not-a-token'), 'invalid_token');
    await expect401(await call('/oidc/userinfo', { headers: { Authorization: 'Basic abc' } }), 'invalid_token');
    await expect401(await get('a.b.c'), 'invalid_token');
  });

  it('C-35: forged (not signed by us) or of another kind (an ID token) → 401', async () => {
    const rp = await TestRp.create();
    const { tokens } = await tokensFor(rp);
    const [h, p] = tokens.access_token.split('.');
    await expect401(await get(`${h}.${p}.${'A'.repeat(342)}`), 'invalid_token');
    await expect401(await get(tokens.id_token!), 'invalid_token');
  });

  it('C-35: expired → 401', async () => {
    const rp = await TestRp.create();
    const { tokens } = await tokensFor(rp);
    const claims = decodeJwt(tokens.access_token);
    const now = Math.floor(Date.now() / 1000);
    const expired = await signJwt(env, { ...claims, iat: now - 1200, exp: now - 600 }, { typ: 'at+jwt' });
    await expect401(await get(expired), 'invalid_token');
  });

  it('C-35: revoked → 401', async () => {
    const rp = await TestRp.create();
    const { tokens } = await tokensFor(rp);
    expect((await get(tokens.access_token)).status).toBe(200);
    expect((await rp.post('/oidc/revoke', { token: tokens.access_token })).status).toBe(200);
    await expect401(await get(tokens.access_token), 'invalid_token');
  });

  it('R-CARD-3: a card blocked after the login releases nothing more → 401', async () => {
    const rp = await TestRp.create();
    const { login, tokens } = await tokensFor(rp);
    await registry(`/cards/${login.card.serial}/block`, { reason: 'stolen' });
    await expect401(await get(tokens.access_token), 'invalid_token');
  });

  it('C-35: a token naming a grant that does not exist → 401', async () => {
    const rp = await TestRp.create();
    const { tokens } = await tokensFor(rp);
    const claims = decodeJwt(tokens.access_token);
    const orphan = await signJwt(env, { ...claims, gid: env.FLOW.newUniqueId().toString() }, { typ: 'at+jwt' });
    await expect401(await get(orphan), 'invalid_token');
    expect(decodeProtectedHeader(orphan).typ).toBe('at+jwt');
  });
});
