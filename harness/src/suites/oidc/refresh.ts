import { expectEqual, expectJson, expectStatus, expectTrue, fail } from '../../core/assert.ts';
import { defineCheck, type Check, type CheckContext } from '../../core/check.ts';
import type { HttpResponse } from '../../core/http.ts';
import { freshLogin } from '../../actors/login.ts';
import { expectBearerChallenge, expectOAuthError, expectTokenResponse } from '../../actors/oidc-expect.ts';
import { RelyingParty, type Tokens } from '../../actors/relying-party.ts';

/** C-36 … C-39: refresh tokens, introspection, revocation. */
const suite = 'oidc';
const OFFLINE = { scope: 'openid profile offline_access', prompt: 'consent login' };
const THIRTY_DAYS = 30 * 24 * 3600;

/** A login with offline_access and consent: the tokens, with a refresh token. */
async function offlineTokens(ctx: CheckContext): Promise<{ rp: RelyingParty; tokens: Tokens & { refresh_token: string } }> {
  const { rp, code, auth } = await freshLogin(ctx, { overrides: OFFLINE });
  const tokens = await rp.tokens(code, auth.verifier);
  if (typeof tokens.refresh_token !== 'string') fail('no refresh_token for offline_access with prompt consent');
  return { rp, tokens: tokens as Tokens & { refresh_token: string } };
}

function activeOf(res: HttpResponse, what: string): boolean {
  expectStatus(res, 200);
  const body = expectJson<{ active?: unknown }>(res);
  if (typeof body.active !== 'boolean') fail(`introspection of ${what}: "active" must be a boolean, got ${JSON.stringify(body.active)}`);
  return body.active;
}

export const refreshChecks: Check[] = [
  defineCheck({
    id: 'C-36',
    suite,
    covers: ['C-36'],
    title: 'offline_access with consent → a refresh token: a JWT the OP signed, valid at most 30 days',
    async run(ctx) {
      const { rp, tokens } = await offlineTokens(ctx);
      const { payload } = await rp.verify(tokens.refresh_token, { what: 'the refresh token' });
      const lifetime = (payload.exp ?? 0) - (payload.iat ?? 0);
      expectTrue(lifetime > 0 && lifetime <= THIRTY_DAYS, `the refresh token must live at most 30 days, it lives ${lifetime} s`);
    },
  }),
  defineCheck({
    id: 'C-36.none',
    suite,
    covers: ['C-36'],
    title: 'without offline_access, no refresh token',
    async run(ctx) {
      const { rp, code, auth } = await freshLogin(ctx);
      expectEqual((await rp.tokens(code, auth.verifier)).refresh_token, undefined, 'the refresh_token without offline_access');
    },
  }),
  defineCheck({
    id: 'C-37',
    suite,
    covers: ['C-37'],
    title: 'refresh → new access and refresh tokens, no ID token; the old refresh token is then rejected',
    async run(ctx) {
      const { rp, tokens } = await offlineTokens(ctx);
      const next = expectTokenResponse(await rp.refresh(tokens.refresh_token));
      expectEqual(next.id_token, undefined, 'the id_token of a refresh');
      expectTrue(typeof next.refresh_token === 'string' && next.refresh_token !== tokens.refresh_token, 'the refresh did not rotate the refresh token');
      expectTrue(next.access_token !== tokens.access_token, 'the refresh returned the same access token');
      expectEqual((await rp.userinfo(String(next.access_token))).status, 200, 'userinfo with the new access token');
      expectOAuthError(await rp.refresh(tokens.refresh_token), 400, 'invalid_grant');
    },
  }),
  defineCheck({
    id: 'C-37.client',
    suite,
    covers: ['C-37'],
    title: 'another client cannot use the refresh token (invalid_grant), and the owner still can',
    async run(ctx) {
      const [{ rp, tokens }, other] = await Promise.all([offlineTokens(ctx), RelyingParty.create(ctx)]);
      expectOAuthError(await other.refresh(tokens.refresh_token), 400, 'invalid_grant');
      expectTokenResponse(await rp.refresh(tokens.refresh_token));
    },
  }),
  defineCheck({
    id: 'C-38',
    suite,
    covers: ['C-38'],
    title: 'introspection → {"active": true} for the caller\'s live access and refresh tokens',
    async run(ctx) {
      const { rp, tokens } = await offlineTokens(ctx);
      expectEqual(activeOf(await rp.introspect(tokens.access_token), 'a live access token'), true, 'active for a live access token');
      expectEqual(activeOf(await rp.introspect(tokens.refresh_token), 'a live refresh token'), true, 'active for a live refresh token');
    },
  }),
  defineCheck({
    id: 'C-38.inactive',
    suite,
    covers: ['C-38'],
    title: 'introspection → {"active": false} for another client\'s token, a revoked one, or garbage',
    async run(ctx) {
      const [{ rp, tokens }, other] = await Promise.all([offlineTokens(ctx), RelyingParty.create(ctx)]);
      expectEqual(activeOf(await other.introspect(tokens.access_token), "another client's token"), false, "active for another client's token");
      expectEqual(activeOf(await rp.introspect('garbage'), 'garbage'), false, 'active for garbage');
      expectEqual((await rp.revoke(tokens.access_token)).status, 200, 'the revocation');
      expectEqual(activeOf(await rp.introspect(tokens.access_token), 'a revoked token'), false, 'active for a revoked access token');
    },
  }),
  defineCheck({
    id: 'C-38.auth',
    suite,
    covers: ['C-38'],
    title: 'introspection without a client assertion, or with one for another audience → 401 invalid_client',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      expectOAuthError(await rp.introspect('anything', { assertion: null }), 401, 'invalid_client');
      expectOAuthError(await rp.introspect('anything', { assertion: await rp.assertion({ aud: 'https://elsewhere.example.it' }) }), 401, 'invalid_client');
    },
  }),
  defineCheck({
    id: 'C-39',
    suite,
    covers: ['C-39'],
    title: 'revocation answers 200 for an unknown token; revoking the refresh token kills its access tokens',
    async run(ctx) {
      const { rp, tokens } = await offlineTokens(ctx);
      expectEqual((await rp.revoke('not-a-token')).status, 200, 'the revocation of an unknown token');
      expectEqual((await rp.revoke(tokens.refresh_token)).status, 200, 'the revocation of the refresh token');
      expectBearerChallenge(await rp.userinfo(tokens.access_token));
      expectOAuthError(await rp.refresh(tokens.refresh_token), 400, 'invalid_grant');
    },
  }),
  defineCheck({
    id: 'C-39.access',
    suite,
    covers: ['C-39'],
    title: 'revoking an access token leaves the refresh token usable',
    async run(ctx) {
      const { rp, tokens } = await offlineTokens(ctx);
      expectEqual((await rp.revoke(tokens.access_token)).status, 200, 'the revocation of the access token');
      expectBearerChallenge(await rp.userinfo(tokens.access_token));
      const next = expectTokenResponse(await rp.refresh(tokens.refresh_token));
      expectEqual((await rp.userinfo(String(next.access_token))).status, 200, 'userinfo with the access token after the refresh');
    },
  }),
];
