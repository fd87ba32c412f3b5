import { createHash } from 'node:crypto';
import { decodeProtectedHeader, type JWTPayload } from 'jose';
import { expectEqual, expectIncludes, expectMatch, expectTrue, fail } from '../../core/assert.ts';
import { defineCheck, type Check } from '../../core/check.ts';
import { Citizen, uniqueEmail } from '../../actors/citizen.ts';
import { freshLogin, loginWithTokens } from '../../actors/login.ts';
import { ACR, FISCAL_NUMBER, RelyingParty } from '../../actors/relying-party.ts';

/** C-29 … C-33: what the ID token and the access token say. */
const suite = 'oidc';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const PROFILE_CLAIMS = ['given_name', 'family_name', 'birthdate', FISCAL_NUMBER];

/** OIDC Core §3.1.3.6: the left half of the hash the token's alg uses, base64url. */
function atHash(accessToken: string, alg: string): string {
  const bits = /(\d{3})$/.exec(alg)?.[1] ?? '256';
  const digest = createHash(`sha${bits}`).update(accessToken).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

export function expectProfileClaims(claims: JWTPayload, citizen: Citizen, where: string): void {
  expectEqual(claims.given_name, citizen.data.givenName, `given_name in ${where}`);
  expectEqual(claims.family_name, citizen.data.familyName, `family_name in ${where}`);
  expectEqual(claims.birthdate, citizen.data.birthDate, `birthdate in ${where}`);
  expectEqual(claims[FISCAL_NUMBER], `TINIT-${citizen.fiscalCode}`, `${FISCAL_NUMBER} in ${where}`);
}

export const tokensChecks: Check[] = [
  defineCheck({
    id: 'C-29',
    suite,
    covers: ['C-29'],
    title: 'ID token: a published kid, iss, aud = client_id, nonce, at_hash, acr, iat, nbf = iat, exp within 5 min, uuid jti',
    async run(ctx) {
      const { rp, code, auth } = await freshLogin(ctx);
      const tokens = await rp.tokens(code, auth.verifier);
      const idToken = tokens.id_token ?? fail('the token answer has no id_token');
      const { payload, protectedHeader } = await rp.verify(idToken, { audience: rp.clientId, what: 'the ID token' });
      expectEqual(payload.iss, rp.issuer, 'iss');
      expectEqual(payload.aud, rp.clientId, 'aud');
      expectEqual(payload.nonce, auth.nonce, 'nonce');
      expectEqual(payload.at_hash, atHash(tokens.access_token, protectedHeader.alg), 'at_hash');
      expectIncludes([ACR[2], ACR[3]], payload.acr, 'the acr levels that satisfy a SpidL2 request');
      expectTrue(typeof payload.iat === 'number', 'iat is missing');
      expectEqual(payload.nbf, payload.iat, 'nbf (= iat)');
      const lifetime = (payload.exp ?? 0) - (payload.iat ?? 0);
      expectTrue(lifetime > 0 && lifetime <= 300, `the ID token must live at most 5 minutes, it lives ${lifetime} s`);
      expectMatch(payload.jti, UUID, 'jti');
    },
  }),
  defineCheck({
    id: 'C-30',
    suite,
    covers: ['C-30'],
    title: 'sub is pairwise: one RP always gets the same, another RP a different one, neither the codice fiscale',
    async run(ctx) {
      const [a, b, citizen] = await Promise.all([RelyingParty.create(ctx), RelyingParty.create(ctx), Citizen.withCredentials(ctx)]);
      const subOf = async (rp: RelyingParty) => (await rp.idTokenClaims((await loginWithTokens(rp, citizen)).tokens.id_token ?? '')).sub;
      const first = await subOf(a);
      const again = await subOf(a);
      const other = await subOf(b);
      expectTrue(typeof first === 'string' && first.length > 0, 'the ID token has no sub');
      expectEqual(again, first, 'the sub of the second login at the same RP');
      expectTrue(other !== first, `two RPs got the same sub ${first} for one citizen`);
      expectTrue(!first.includes(citizen.fiscalCode) && !first.includes(citizen.serial), 'sub reveals the codice fiscale or the serial');
    },
  }),
  defineCheck({
    id: 'C-31',
    suite,
    covers: ['C-31'],
    title: 'access token: a JWT with typ at+jwt, aud including the userinfo endpoint, scope, at most 15 minutes',
    async run(ctx) {
      const { rp, code, auth } = await freshLogin(ctx, { overrides: { scope: 'openid profile email' } });
      const tokens = await rp.tokens(code, auth.verifier);
      const { payload, protectedHeader } = await rp.verify(tokens.access_token, { what: 'the access token' });
      expectMatch(String(protectedHeader.typ), /^(application\/)?at\+jwt$/i, "the access token's typ");
      const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
      expectIncludes(aud, rp.discovery.userinfo_endpoint, "the access token's aud");
      expectEqual(
        String(payload.scope ?? '')
          .split(' ')
          .sort(),
        ['email', 'openid', 'profile'],
        "the access token's scope",
      );
      const lifetime = (payload.exp ?? 0) - (payload.iat ?? 0);
      expectTrue(lifetime > 0 && lifetime <= 900, `the access token must live at most 15 minutes, it lives ${lifetime} s`);
    },
  }),
  defineCheck({
    id: 'C-32',
    suite,
    covers: ['C-32'],
    title: 'scope profile: given_name, family_name, birthdate, fiscal_number (TINIT-CF) in the ID token, no email',
    async run(ctx) {
      const { rp, citizen, code, auth } = await freshLogin(ctx, { overrides: { scope: 'openid profile' } });
      const claims = await rp.idTokenClaims((await rp.tokens(code, auth.verifier)).id_token ?? '');
      expectProfileClaims(claims, citizen, 'the ID token');
      expectEqual(claims.email, undefined, 'email in the ID token for scope profile');
    },
  }),
  defineCheck({
    id: 'C-32.email',
    suite,
    covers: ['C-32'],
    title: 'scope email: email and email_verified in the ID token and userinfo, and no profile claims',
    async run(ctx) {
      const email = uniqueEmail('claims');
      const [rp, citizen] = await Promise.all([RelyingParty.create(ctx), Citizen.issue(ctx)]);
      await citizen.activate({ email });
      const { tokens } = await loginWithTokens(rp, citizen, { overrides: { scope: 'openid email' } });
      const idClaims = await rp.idTokenClaims(tokens.id_token ?? '');
      const userinfo = (await rp.openUserinfo(await rp.userinfo(tokens.access_token))).payload;
      for (const [where, claims] of [
        ['the ID token', idClaims],
        ['userinfo', userinfo],
      ] as const) {
        expectEqual(claims.email, email, `email in ${where}`);
        expectEqual(claims.email_verified, true, `email_verified in ${where} (verified at activation)`);
        expectEqual(claims.given_name, undefined, `given_name in ${where} for scope email`);
      }
    },
  }),
  defineCheck({
    id: 'C-32.openid',
    suite,
    covers: ['C-32', 'C-34'],
    title: "scope openid alone: userinfo carries only sub (and the JWT's own claims); the ID token no personal data",
    async run(ctx) {
      const { rp, code, auth } = await freshLogin(ctx, { overrides: { scope: 'openid' } });
      const tokens = await rp.tokens(code, auth.verifier);
      const { payload } = await rp.openUserinfo(await rp.userinfo(tokens.access_token));
      const extra = Object.keys(payload).filter((k) => !['sub', 'iss', 'aud', 'iat', 'nbf', 'exp', 'jti'].includes(k));
      expectEqual(extra, [], 'the userinfo claims besides sub for scope openid');
      const claims = await rp.idTokenClaims(tokens.id_token ?? '');
      for (const claim of [...PROFILE_CLAIMS, 'email', 'phone_number']) expectEqual(claims[claim], undefined, `${claim} in the ID token for scope openid`);
    },
  }),
  defineCheck({
    id: 'C-33',
    suite,
    covers: ['C-33'],
    title: "with id_token_encrypted_response_alg registered, the ID token is a JWE (cty JWT) for the RP's key wrapping the signed token",
    async run(ctx) {
      const { rp, code, auth } = await freshLogin(ctx, { rp: { idTokenEncryption: { alg: 'ECDH-ES+A256KW', enc: 'A256GCM' } } });
      const idToken = (await rp.tokens(code, auth.verifier)).id_token ?? fail('the token answer has no id_token');
      expectEqual(idToken.split('.').length, 5, 'the parts of the encrypted ID token (a compact JWE has 5)');
      const header = decodeProtectedHeader(idToken);
      expectEqual([header.alg, header.enc, header.cty], ['ECDH-ES+A256KW', 'A256GCM', 'JWT'], "the JWE header's alg, enc and cty");
      expectEqual(header.kid, rp.enc.kid, "the JWE header's kid (the RP's encryption key)");
      expectEqual((await rp.idTokenClaims(idToken)).nonce, auth.nonce, 'the nonce inside the encrypted ID token');
    },
  }),
  defineCheck({
    id: 'C-33.plain',
    suite,
    covers: ['C-33'],
    title: 'without it, the ID token is a plain JWS',
    async run(ctx) {
      const { rp, code, auth } = await freshLogin(ctx);
      const idToken = (await rp.tokens(code, auth.verifier)).id_token ?? fail('the token answer has no id_token');
      expectEqual(idToken.split('.').length, 3, 'the parts of the ID token (a JWS has 3)');
    },
  }),
];
