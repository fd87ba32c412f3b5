import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:test';
import { decodeJwt } from 'jose';
import { signJwt } from '../../functions/oidc/keys';
import { call } from '../support/worker';
import { TestRp, verifyOp } from '../support/rp';
import { tokensFor } from '../support/oidc-login';

const OFFLINE = { scope: 'openid profile offline_access', prompt: 'consent login' };
const userinfo = (token: string) => call('/oidc/userinfo', { headers: { Authorization: `Bearer ${token}` } });

async function json(res: Response) {
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const introspect = (rp: TestRp, token: string, options: { assertion?: string | null } = {}) => rp.post('/oidc/introspect', { token }, options);
const revoke = (rp: TestRp, token: string) => rp.post('/oidc/revoke', { token });

describe('refresh tokens (C-36, C-37)', () => {
  it('C-36: offline_access + consent → a refresh token: a JWT we signed, aud = client_id, at most 30 days', async () => {
    const rp = await TestRp.create();
    const { tokens } = await tokensFor(rp, { overrides: OFFLINE });
    expect(tokens.refresh_token).toBeTruthy();
    const { payload } = await verifyOp(tokens.refresh_token!, { audience: rp.clientId });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(30 * 24 * 3600);
    expect(payload.exp! - payload.iat!).toBeGreaterThan(24 * 3600);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('C-36: without offline_access, no refresh token', async () => {
    const rp = await TestRp.create();
    const { tokens } = await tokensFor(rp, { overrides: { scope: 'openid profile' } });
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('C-37: refresh → new access and refresh tokens, no ID token; the old refresh token is then rejected', async () => {
    const rp = await TestRp.create();
    const { tokens } = await tokensFor(rp, { overrides: OFFLINE });
    const first = await json(await rp.refresh(tokens.refresh_token!));
    expect(first.status).toBe(200);
    expect(first.body.id_token).toBeUndefined();
    expect(first.body.token_type).toBe('Bearer');
    expect(first.body.access_token).not.toBe(tokens.access_token);
    expect(first.body.refresh_token).not.toBe(tokens.refresh_token);
    expect(decodeJwt(first.body.access_token).sub).toBe(decodeJwt(tokens.id_token!).sub);
    expect((await userinfo(first.body.access_token)).status).toBe(200);
    const replay = await json(await rp.refresh(tokens.refresh_token!));
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
  });

  it('C-37: rotation invalidates what was issued before it (profile: refresh token rotation)', async () => {
    const rp = await TestRp.create();
    const { tokens } = await tokensFor(rp, { overrides: OFFLINE });
    expect((await rp.refresh(tokens.refresh_token!)).status).toBe(200);
    expect((await userinfo(tokens.access_token)).status).toBe(401);
  });

  it('C-37: a rotated refresh token presented again revokes the whole grant (two parties hold it)', async () => {
    const rp = await TestRp.create();
    const { tokens } = await tokensFor(rp, { overrides: OFFLINE });
    const next = await json(await rp.refresh(tokens.refresh_token!));
    expect((await rp.refresh(tokens.refresh_token!)).status).toBe(400);
    expect((await userinfo(next.body.access_token)).status).toBe(401);
    expect((await rp.refresh(next.body.refresh_token)).status).toBe(400);
  });

  it('C-37: another client cannot use it, and its attempt does not harm the owner', async () => {
    const rp = await TestRp.create();
    const other = await TestRp.create();
    const { tokens } = await tokensFor(rp, { overrides: OFFLINE });
    const stolen = await json(await other.refresh(tokens.refresh_token!));
    expect(stolen.status).toBe(400);
    expect(stolen.body.error).toBe('invalid_grant');
    expect((await rp.refresh(tokens.refresh_token!)).status).toBe(200);
  });

  it('C-37: an access token is not a refresh token, and an expired refresh token is refused', async () => {
    const rp = await TestRp.create();
    const { tokens } = await tokensFor(rp, { overrides: OFFLINE });
    expect((await rp.refresh(tokens.access_token)).status).toBe(400);
    const now = Math.floor(Date.now() / 1000);
    const expired = await signJwt(env, { ...decodeJwt(tokens.refresh_token!), iat: now - 100, exp: now - 10 }, { typ: 'rt+jwt' });
    expect((await rp.refresh(expired)).status).toBe(400);
    expect((await json(await rp.refresh(undefined as never))).body.error).toBe('invalid_request');
  });
});

describe('introspection (C-38)', () => {
  it('C-38: {"active": true} for a live token of the caller — access and refresh', async () => {
    const rp = await TestRp.create();
    const { tokens } = await tokensFor(rp, { overrides: OFFLINE });
    const access = await json(await introspect(rp, tokens.access_token));
    expect(access.status).toBe(200);
    expect(access.body).toMatchObject({ active: true, client_id: rp.clientId, token_type: 'Bearer' });
    expect((await json(await introspect(rp, tokens.refresh_token!))).body.active).toBe(true);
  });

  it('C-38: {"active": false} for an expired, a revoked, another client\'s or a meaningless token', async () => {
    const rp = await TestRp.create();
    const other = await TestRp.create();
    const { tokens } = await tokensFor(rp, { overrides: OFFLINE });
    expect((await json(await introspect(other, tokens.access_token))).body).toEqual({ active: false });
    const now = Math.floor(Date.now() / 1000);
    const expired = await signJwt(env, { ...decodeJwt(tokens.access_token), iat: now - 1200, exp: now - 600 }, { typ: 'at+jwt' });
    expect((await json(await introspect(rp, expired))).body).toEqual({ active: false });
    expect((await json(await introspect(rp, 'garbage'))).body).toEqual({ active: false });
    await revoke(rp, tokens.access_token);
    expect((await json(await introspect(rp, tokens.access_token))).body).toEqual({ active: false });
  });

  it('C-38: a bad client assertion → 401 invalid_client', async () => {
    const rp = await TestRp.create();
    const { tokens } = await tokensFor(rp);
    const noAssertion = await json(await introspect(rp, tokens.access_token, { assertion: null }));
    expect(noAssertion.status).toBe(401);
    expect(noAssertion.body.error).toBe('invalid_client');
    const wrongAud = await json(await introspect(rp, tokens.access_token, { assertion: await rp.assertion({ aud: 'https://elsewhere.example.it' }) }));
    expect(wrongAud.status).toBe(401);
  });

  it('C-38: an assertion addressed to the token endpoint is accepted too (the profile reuses it)', async () => {
    const rp = await TestRp.create();
    const { tokens } = await tokensFor(rp);
    const res = await json(await introspect(rp, tokens.access_token, { assertion: await rp.assertion({}, {}, '/oidc/token') }));
    expect(res.body.active).toBe(true);
  });

  it('C-38: GET is refused with a JSON error', async () => {
    const res = await json(await call('/oidc/introspect'));
    expect(res.status).toBe(405);
    expect(res.body.error).toBe('invalid_request');
  });
});

describe('revocation (C-39)', () => {
  it("C-39: 200 even for unknown tokens, and for another client's token (which stays live)", async () => {
    const rp = await TestRp.create();
    const other = await TestRp.create();
    expect((await revoke(rp, 'not-a-token')).status).toBe(200);
    const { tokens } = await tokensFor(rp);
    expect((await revoke(other, tokens.access_token)).status).toBe(200);
    expect((await userinfo(tokens.access_token)).status).toBe(200);
  });

  it('C-39: revoking the refresh token kills its access tokens', async () => {
    const rp = await TestRp.create();
    const { tokens } = await tokensFor(rp, { overrides: OFFLINE });
    expect((await revoke(rp, tokens.refresh_token!)).status).toBe(200);
    expect((await userinfo(tokens.access_token)).status).toBe(401);
    expect((await rp.refresh(tokens.refresh_token!)).status).toBe(400);
  });

  it('C-39: revoking an access token leaves the refresh token usable', async () => {
    const rp = await TestRp.create();
    const { tokens } = await tokensFor(rp, { overrides: OFFLINE });
    expect((await revoke(rp, tokens.access_token)).status).toBe(200);
    expect((await userinfo(tokens.access_token)).status).toBe(401);
    const refreshed = await json(await rp.refresh(tokens.refresh_token!));
    expect(refreshed.status).toBe(200);
    expect((await userinfo(refreshed.body.access_token)).status).toBe(200);
  });

  it('C-39: the caller must authenticate (401), and token is required (400)', async () => {
    const rp = await TestRp.create();
    expect((await rp.post('/oidc/revoke', { token: 'x' }, { assertion: null })).status).toBe(401);
    expect((await json(await rp.post('/oidc/revoke', {}))).body.error).toBe('invalid_request');
  });
});
