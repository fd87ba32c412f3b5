import { UnsecuredJWT, generateKeyPair } from 'jose';
import { expectEqual, expectJson, expectTrue, fail } from '../../core/assert.ts';
import { defineCheck, type Check } from '../../core/check.ts';
import type { HttpResponse } from '../../core/http.ts';
import { freshLogin } from '../../actors/login.ts';
import { expectBearerChallenge, expectOAuthError, expectTokenResponse } from '../../actors/oidc-expect.ts';
import { ASSERTION_TYPE, RelyingParty, type Overrides } from '../../actors/relying-party.ts';
import { nowSeconds, randomToken, uuid } from '../../actors/random.ts';

/** C-22 … C-28: the token endpoint. */
const suite = 'oidc';
const OFFLINE = { scope: 'openid profile offline_access', prompt: 'consent login' };

/** A code nobody issued: with good client authentication it can only be invalid_grant. */
const bogusCode = () => `${'0'.repeat(64)}.${randomToken(32)}`;

function fourXxJsonError(res: HttpResponse, what: string): void {
  if (res.status < 400 || res.status > 499) fail(`${what}: expected a 4xx JSON error, but ${res.url} answered ${res.status}: ${res.text.slice(0, 200)}`);
  const body = expectJson<{ error?: unknown }>(res);
  expectTrue(typeof body.error === 'string' && body.error.length > 0, `${what}: the JSON error has no "error" member: ${res.text.slice(0, 200)}`);
}

export const tokenChecks: Check[] = [
  defineCheck({
    id: 'C-22',
    suite,
    covers: ['C-22'],
    title: 'a valid code exchange → 200 JSON, Cache-Control no-store, token_type Bearer, expires_in, an ID token',
    async run(ctx) {
      const { rp, code, auth } = await freshLogin(ctx);
      const body = expectTokenResponse(await rp.exchange(code, auth.verifier));
      expectTrue(typeof body.id_token === 'string', 'the token answer has no id_token');
    },
  }),
  defineCheck({
    id: 'C-23',
    suite,
    covers: ['C-23'],
    title: 'GET on the token endpoint, or a JSON body → a 4xx JSON error',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      fourXxJsonError(await ctx.http.request('GET', rp.discovery.token_endpoint), 'GET on the token endpoint');
      const assertion = await rp.assertion();
      const json = await ctx.http.request('POST', rp.discovery.token_endpoint, {
        json: {
          grant_type: 'authorization_code',
          code: bogusCode(),
          code_verifier: randomToken(48),
          client_id: rp.clientId,
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: assertion,
        },
      });
      fourXxJsonError(json, 'a JSON body on the token endpoint');
    },
  }),
  defineCheck({
    id: 'C-24',
    suite,
    covers: ['C-24'],
    title: 'a wrong code_verifier → 400 invalid_grant',
    async run(ctx) {
      const { rp, code } = await freshLogin(ctx);
      expectOAuthError(await rp.exchange(code, randomToken(48)), 400, 'invalid_grant');
    },
  }),
  defineCheck({
    id: 'C-25',
    suite,
    covers: ['C-25'],
    title: 'a code used twice → invalid_grant, and the tokens issued the first time are revoked',
    async run(ctx) {
      const { rp, code, auth } = await freshLogin(ctx, { overrides: OFFLINE });
      const first = expectTokenResponse(await rp.exchange(code, auth.verifier));
      const access = String(first.access_token);
      expectEqual((await rp.userinfo(access)).status, 200, 'userinfo with the first access token, before the replay');
      expectOAuthError(await rp.exchange(code, auth.verifier), 400, 'invalid_grant');
      expectBearerChallenge(await rp.userinfo(access));
      if (typeof first.refresh_token === 'string') expectOAuthError(await rp.refresh(first.refresh_token), 400, 'invalid_grant');
    },
  }),
  defineCheck({
    id: 'C-26',
    suite,
    covers: ['C-26'],
    title: 'a code presented by another client, or one nobody issued → invalid_grant',
    async run(ctx) {
      const { rp, code, auth } = await freshLogin(ctx);
      const other = await RelyingParty.create(ctx);
      expectOAuthError(await other.exchange(code, auth.verifier, { redirect_uri: rp.redirectUri }), 400, 'invalid_grant');
      expectOAuthError(await rp.exchange(bogusCode(), auth.verifier), 400, 'invalid_grant');
    },
  }),
  defineCheck({
    id: 'C-26.expired',
    suite,
    covers: ['C-26'],
    title: 'a code redeemed after its lifetime (60 s here; the check waits 61 s) → invalid_grant',
    async run(ctx) {
      const { rp, code, auth } = await freshLogin(ctx);
      ctx.log('waiting 61 s for the code to expire');
      await new Promise((resolve) => setTimeout(resolve, 61_000));
      expectOAuthError(await rp.exchange(code, auth.verifier), 400, 'invalid_grant');
    },
  }),
  defineCheck({
    id: 'C-27',
    suite,
    covers: ['C-27'],
    title: 'client assertion missing, not a JWT, unsigned, or signed by an unregistered key → 401 invalid_client',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      const verifier = randomToken(48);
      // The control: a good assertion gets past client authentication to the (bogus) code.
      expectOAuthError(await rp.exchange(bogusCode(), verifier), 400, 'invalid_grant');
      const now = nowSeconds();
      const unsigned = new UnsecuredJWT({
        iss: rp.clientId,
        sub: rp.clientId,
        aud: rp.discovery.token_endpoint,
        iat: now,
        exp: now + 60,
        jti: uuid(),
      }).encode();
      const { privateKey } = await generateKeyPair('RS256');
      const cases: [string, string | null][] = [
        ['no assertion', null],
        ['an assertion that is not a JWT', 'not-a-jwt'],
        ['an unsigned assertion (alg none)', unsigned],
        ['an assertion signed by a key the client did not register', await rp.assertion({}, { key: privateKey })],
      ];
      for (const [what, assertion] of cases) {
        const res = await rp.exchange(bogusCode(), verifier, {}, { assertion });
        try {
          expectOAuthError(res, 401, 'invalid_client');
        } catch (err) {
          fail(`${what}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    },
  }),
  defineCheck({
    id: 'C-27.claims',
    suite,
    covers: ['C-27'],
    title: 'client assertion with a wrong iss, sub or aud, expired, or without jti → 401 invalid_client',
    async run(ctx) {
      const [rp, other] = await Promise.all([RelyingParty.create(ctx), RelyingParty.create(ctx)]);
      const now = nowSeconds();
      const cases: [string, Overrides][] = [
        ['iss of another client', { iss: other.clientId }],
        ['sub of another client', { sub: other.clientId }],
        ['aud of another server', { aud: 'https://other-op.example.it/token' }],
        ['expired', { iat: now - 600, exp: now - 300 }],
        ['no jti', { jti: undefined }],
      ];
      for (const [what, overrides] of cases) {
        const res = await rp.exchange(bogusCode(), randomToken(48), {}, { assertion: await rp.assertion(overrides) });
        try {
          expectOAuthError(res, 401, 'invalid_client');
        } catch (err) {
          fail(`an assertion with ${what}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    },
  }),
  defineCheck({
    id: 'C-27.replay',
    suite,
    covers: ['C-27'],
    title: 'a client assertion used once cannot be used again (jti replay) → 401 invalid_client',
    async run(ctx) {
      const { rp, code, auth } = await freshLogin(ctx, { overrides: OFFLINE });
      const assertion = await rp.assertion();
      const first = expectTokenResponse(await rp.exchange(code, auth.verifier, {}, { assertion }));
      expectTrue(typeof first.refresh_token === 'string', 'no refresh token for offline_access with consent');
      expectOAuthError(await rp.refresh(String(first.refresh_token), {}, { assertion }), 401, 'invalid_client');
    },
  }),
  defineCheck({
    id: 'C-28',
    suite,
    covers: ['C-28'],
    title: 'grant_type missing → invalid_request; unknown → unsupported_grant_type',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      expectOAuthError(await rp.post(rp.discovery.token_endpoint, {}), 400, 'invalid_request');
      expectOAuthError(await rp.post(rp.discovery.token_endpoint, { grant_type: 'password' }), 400, 'unsupported_grant_type');
    },
  }),
];
