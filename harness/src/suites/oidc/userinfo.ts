import { decodeJwt } from 'jose';
import { expectEqual, expectHeader, expectMatch, expectTrue, fail } from '../../core/assert.ts';
import { defineCheck, type Check } from '../../core/check.ts';
import { freshLogin } from '../../actors/login.ts';
import { expectBearerChallenge } from '../../actors/oidc-expect.ts';
import { FISCAL_NUMBER, RelyingParty } from '../../actors/relying-party.ts';
import { expectProfileClaims } from './tokens.ts';

/** C-34, C-35 (and C-15's positive case): userinfo, as an RP reads it. */
const suite = 'oidc';
const JWT_CLAIMS = ['sub', 'iss', 'aud', 'iat', 'nbf', 'exp', 'jti'];
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export const userinfoChecks: Check[] = [
  defineCheck({
    id: 'C-34',
    suite,
    covers: ['C-34'],
    title: 'GET with a Bearer token → 200 application/jwt: a JWE (cty JWT) for the RP wrapping a JWS with iss, aud, sub and only the asked claims',
    async run(ctx) {
      const { rp, citizen, code, auth } = await freshLogin(ctx, { overrides: { scope: 'openid profile' } });
      const tokens = await rp.tokens(code, auth.verifier);
      const res = await rp.userinfo(tokens.access_token);
      expectHeader(res, 'Content-Type', /^application\/jwt\s*(;|$)/i);
      const { header, payload } = await rp.openUserinfo(res);
      expectEqual(header.kid, rp.enc.kid, "the JWE's kid (the RP's encryption key)");
      expectEqual(payload.iss, rp.issuer, 'iss');
      expectEqual(payload.aud, rp.clientId, 'aud');
      expectEqual(payload.sub, decodeJwt(tokens.id_token ?? '').sub, "sub (the ID token's)");
      expectProfileClaims(payload, citizen, 'userinfo');
      const extra = Object.keys(payload).filter((k) => !JWT_CLAIMS.includes(k) && !['given_name', 'family_name', 'birthdate', FISCAL_NUMBER].includes(k));
      expectEqual(extra, [], 'userinfo claims nobody asked for');
    },
  }),
  defineCheck({
    id: 'C-34.jti',
    suite,
    covers: ['C-34'],
    title: 'the userinfo JWS has a uuid4 jti, as the ID token and the access token have, new in every answer',
    async run(ctx) {
      const { rp, code, auth } = await freshLogin(ctx, { overrides: { scope: 'openid profile' } });
      const tokens = await rp.tokens(code, auth.verifier);
      const first = (await rp.openUserinfo(await rp.userinfo(tokens.access_token))).payload;
      const second = (await rp.openUserinfo(await rp.userinfo(tokens.access_token))).payload;
      expectMatch(first.jti, UUID4, 'the userinfo jti');
      expectTrue(first.jti !== second.jti, `two userinfo answers carry the same jti ${JSON.stringify(first.jti)}`);
    },
  }),
  defineCheck({
    id: 'C-34.post',
    suite,
    covers: ['C-34'],
    title: 'POST with a Bearer token works the same way',
    async run(ctx) {
      const { rp, citizen, code, auth } = await freshLogin(ctx, { overrides: { scope: 'openid profile' } });
      const tokens = await rp.tokens(code, auth.verifier);
      expectProfileClaims((await rp.openUserinfo(await rp.userinfo(tokens.access_token, 'POST'))).payload, citizen, 'userinfo by POST');
    },
  }),
  defineCheck({
    id: 'C-34.rsa',
    suite,
    covers: ['C-34'],
    title: 'encrypted to an RSA key with the algorithms the RP registered (RSA-OAEP-256, A256GCM)',
    async run(ctx) {
      const { rp, code, auth } = await freshLogin(ctx, { rp: { encKey: 'RSA', userinfoEncryption: { alg: 'RSA-OAEP-256', enc: 'A256GCM' } } });
      const tokens = await rp.tokens(code, auth.verifier);
      const { header } = await rp.openUserinfo(await rp.userinfo(tokens.access_token));
      expectEqual([header.alg, header.enc], ['RSA-OAEP-256', 'A256GCM'], "the JWE's alg and enc");
    },
  }),
  defineCheck({
    id: 'C-15.claims',
    suite,
    covers: ['C-15', 'C-32'],
    title: 'a known claim asked through claims (userinfo phone_number) is released in userinfo, not in the ID token',
    async run(ctx) {
      const { rp, citizen, code, auth } = await freshLogin(ctx, { overrides: { scope: 'openid', claims: { userinfo: { phone_number: null } } } });
      const tokens = await rp.tokens(code, auth.verifier);
      expectEqual((await rp.openUserinfo(await rp.userinfo(tokens.access_token))).payload.phone_number, citizen.phone.number, 'phone_number in userinfo');
      expectEqual((await rp.idTokenClaims(tokens.id_token ?? '')).phone_number, undefined, 'phone_number in the ID token');
    },
  }),
  defineCheck({
    id: 'C-35',
    suite,
    covers: ['C-35'],
    title: 'no token, a malformed one, or a token that is not an access token → 401 with WWW-Authenticate: Bearer',
    async run(ctx) {
      const rp = await RelyingParty.create(ctx);
      expectBearerChallenge(await ctx.http.request('GET', rp.discovery.userinfo_endpoint));
      for (const token of ['not-a-token', 'a.b.c']) {
        const challenge = expectBearerChallenge(await rp.userinfo(token));
        expectMatch(challenge, /error="invalid_token"/, `the challenge for the token "${token}"`);
      }
    },
  }),
  defineCheck({
    id: 'C-35.tokens',
    suite,
    covers: ['C-35'],
    title: 'a forged access token, an ID token, or a revoked access token → 401 invalid_token',
    async run(ctx) {
      const { rp, code, auth } = await freshLogin(ctx);
      const tokens = await rp.tokens(code, auth.verifier);
      const [h, p] = tokens.access_token.split('.');
      const forged = `${h}.${p}.${Buffer.alloc(256).toString('base64url')}`;
      for (const [what, token] of [
        ['a forged signature', forged],
        ['the ID token', tokens.id_token ?? ''],
      ] as const) {
        try {
          expectMatch(expectBearerChallenge(await rp.userinfo(token)), /error="invalid_token"/, 'the challenge');
        } catch (err) {
          fail(`${what} as a bearer token: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      expectEqual((await rp.userinfo(tokens.access_token)).status, 200, 'userinfo with the live access token');
      expectEqual((await rp.revoke(tokens.access_token)).status, 200, 'the revocation of the access token');
      expectTrue(
        /error="invalid_token"/.test(expectBearerChallenge(await rp.userinfo(tokens.access_token))),
        'the challenge for a revoked token has no error="invalid_token"',
      );
    },
  }),
];
