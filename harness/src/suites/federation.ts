import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { expectEqual, expectHeader, expectIncludes, expectStatus, expectTrue, fail } from '../core/assert.ts';
import { defineCheck, type Check, type CheckContext } from '../core/check.ts';
import type { HttpResponse } from '../core/http.ts';
import { Citizen } from '../actors/citizen.ts';
import { randomLabel } from '../actors/random.ts';
import { LABEL } from '../actors/login-pages.ts';
import { login, startLogin } from '../actors/login.ts';
import { expectErrorPage, expectOAuthError, expectTokenResponse } from '../actors/oidc-expect.ts';
import { ACR, type RelyingParty } from '../actors/relying-party.ts';
import { expectProfileClaims } from './oidc/tokens.ts';
import { FederatedRelyingParty, type ConfigurationFault, type FederatedRpOptions } from '../federation/relying-party.ts';
import { Intermediate, TrustAnchorClient } from '../federation/trust-anchor-client.ts';
import type { StatementFault, TrustMarkKind } from '../federation/trust-anchor.ts';

/**
 * C-40 … C-47: relying parties that join by trust chain (issue 14). Every check makes its own RP under
 * the development Trust Anchor the deployment trusts (`--federation-ta`), and for the refusals breaks
 * exactly one link of its chain. A refusal is judged at both doors an unknown client knocks on: the
 * authorization endpoint (the 400 page, never a redirect to URIs nobody vouched for, with the error
 * the profile's errors_federation gives the failure) and the token endpoint (401 `invalid_client`) —
 * and never "not registered", which would mean the deployment did not try the federation at all.
 */
const suite = 'federation';

/**
 * errors_federation (italia/spid-cie-oidc-docs): a trust chain that does not validate is
 * `invalid_client`; one that validates but whose policy or trust marks refuse the RP is
 * `unauthorized_client`; an entity or federation endpoint that does not answer is
 * `temporarily_unavailable`.
 */
const CHAIN_INVALID = ['invalid_client'];
const NOT_AUTHORIZED = ['unauthorized_client'];
const UNREACHABLE = ['temporarily_unavailable'];

const ENTITY_STATEMENT = 'application/entity-statement+jwt';

/** When the deployment refuses an RP that should pass, the likeliest cause, said plainly. */
function notTrusted(ta: TrustAnchorClient, what: string): string {
  return `${what}; does the deployment trust the development Trust Anchor ${ta.entityId}? It needs FEDERATION_TRUST_ANCHORS with that entity id and its keys (cie-harness trust-anchor --print-config)`;
}

/** The RP's login through the pages must open: the deployment resolved its chain. */
async function expectLoginOpens(fed: FederatedRelyingParty, what: string): Promise<void> {
  const { page } = await startLogin(fed.rp);
  if (!page.hasField(LABEL.password)) fail(notTrusted(fed.ta, `${what} was refused at /oidc/authorize: ${page.describe()} ${page.text.slice(0, 240)}`));
}

/** A whole level 2 login of a federated RP: code redeemed with private_key_jwt, ID token verified, userinfo decrypted. */
async function federatedLogin(fed: FederatedRelyingParty, citizen: Citizen, options: { redirectUri?: string; what: string }) {
  await expectLoginOpens(fed, options.what);
  const rp = fed.rp;
  const done = await login(rp, citizen, options.redirectUri ? { overrides: { redirect_uri: options.redirectUri } } : {});
  expectEqual(done.callback.target, options.redirectUri ?? rp.redirectUri, 'where the OP sends the citizen back');
  const res = await rp.exchange(done.code, done.auth.verifier, options.redirectUri ? { redirect_uri: options.redirectUri } : {});
  expectTokenResponse(res);
  const tokens = res.json<{ access_token: string; id_token?: string; refresh_token?: string }>();
  const idToken = tokens.id_token ?? fail('the token answer has no id_token');
  const claims = await rp.idTokenClaims(idToken);
  expectEqual(claims.aud, rp.clientId, "the ID token's aud (the RP's entity id)");
  expectEqual(claims.acr, ACR[2], "the ID token's acr");
  expectEqual(claims.nonce, done.auth.nonce, "the ID token's nonce");
  const userinfo = await rp.openUserinfo(await rp.userinfo(tokens.access_token));
  expectProfileClaims(userinfo.payload, citizen, 'userinfo');
  return { done, tokens, idToken, userinfo };
}

/** Refused at authorize (the 400 page naming one of `errors`) and at the token endpoint (invalid_client). */
async function expectRefused(rp: RelyingParty, what: string, errors: string[]): Promise<void> {
  const { page } = await startLogin(rp);
  if (page.hasField(LABEL.password)) fail(`${what}: the deployment accepted it (the login page opened)`);
  try {
    expectErrorPage(page, 400);
  } catch (err) {
    fail(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (/not registered/i.test(page.text)) {
    fail(`${what}: the 400 page says "not registered" — the deployment did not try the trust chain (is its federation on: FEDERATION_TRUST_ANCHORS?)`);
  }
  const shown = errors.find((error) => new RegExp(`\\b${error}\\b`).test(page.text));
  if (!shown) fail(`${what}: the 400 page should name the error ${errors.join(' or ')}, it says: ${page.text.replace(/\s+/g, ' ').slice(0, 300)}`);
  const res = await rp.exchange('not-a-code', 'not-a-verifier');
  const body = expectOAuthError(res, 401, 'invalid_client');
  if (/not registered/i.test(String(body.error_description ?? '')))
    fail(`${what}: the token endpoint says "${body.error_description}" — the deployment did not try the trust chain`);
}

/** A refusal check: an RP made by `make`, refused at both doors. */
function refusal(
  id: string,
  covers: string[],
  title: string,
  errors: string[],
  make: (ctx: CheckContext, ta: TrustAnchorClient) => Promise<FederatedRelyingParty>,
): Check {
  return defineCheck({
    id,
    suite,
    covers,
    title,
    async run(ctx) {
      const ta = await TrustAnchorClient.connect(ctx);
      const fed = await make(ctx, ta);
      ctx.log(`RP ${fed.entityId}`);
      await expectRefused(fed.rp, title, errors);
    },
  });
}

const withOptions = (options: FederatedRpOptions) => (ctx: CheckContext, ta: TrustAnchorClient) => FederatedRelyingParty.create(ctx, options, ta);

/** An RP under an intermediate the TA lists (`constraints` on the TA's statement about it). */
async function underIntermediate(ctx: CheckContext, ta: TrustAnchorClient, constraints?: Record<string, unknown>): Promise<FederatedRelyingParty> {
  const ia = await Intermediate.create(ta);
  const fed = await FederatedRelyingParty.create(ctx, { authorityHints: [ia.entityId] }, ta);
  await ia.subordinate(fed.entityId, fed.jwks);
  await Promise.all([ia.publish([ta.entityId]), ta.addSubordinate(ia.entityId, ia.jwks, constraints ? { constraints } : {})]);
  return fed;
}

/** The deployment's own entity configuration, verified with the keys it publishes in it. */
async function ourConfiguration(ctx: CheckContext): Promise<{ res: HttpResponse; claims: Record<string, unknown> }> {
  const res = await ctx.http.request('GET', new URL('/.well-known/openid-federation', ctx.baseUrl));
  expectStatus(res, 200);
  const jwt = res.text.trim();
  let claims: Record<string, unknown>;
  try {
    claims = decodeJwt(jwt) as Record<string, unknown>;
    const jwks = claims.jwks as { keys: JWK[] };
    await compactVerify(jwt, createLocalJWKSet(jwks));
  } catch (err) {
    fail(`the entity configuration does not verify with its own jwks: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { res, claims };
}

const CONFIGURATION_FAULT_TITLES: Record<ConfigurationFault, string> = {
  'bad-signature': "the RP's entity configuration signed by a key not in its jwks",
  expired: "the RP's entity configuration expired",
  'iss-not-sub': "the RP's entity configuration with iss ≠ sub",
  'content-type': "the RP's entity configuration served as application/json",
};

const STATEMENT_FAULT_TITLES: Record<StatementFault, string> = {
  'bad-signature': "the TA's statement about the RP signed by a key not in the TA's configuration",
  'wrong-jwks': "the TA's statement about the RP with jwks that do not verify the RP's entity configuration",
  expired: "the TA's statement about the RP expired",
};

const TRUST_MARK_TITLES: Record<Exclude<TrustMarkKind, 'valid'>, string> = {
  none: 'the required trust mark missing',
  expired: 'the required trust mark expired',
  'wrong-sub': 'the required trust mark issued for another sub',
  'bad-signature': 'the required trust mark not signed by its issuer',
};

export const federationChecks: Check[] = [
  defineCheck({
    id: 'C-47',
    suite,
    covers: ['C-47', 'C-1'],
    title:
      'our entity configuration: entity-statement+jwt, authority_hints naming the Trust Anchor, federation_resolve_endpoint, client_registration_types_supported ["automatic"]',
    async run(ctx) {
      const ta = await TrustAnchorClient.connect(ctx);
      const { res, claims } = await ourConfiguration(ctx);
      expectHeader(res, 'Content-Type', (v) => v.split(';')[0]?.trim() === ENTITY_STATEMENT);
      expectEqual(decodeProtectedHeader(res.text.trim()).typ, 'entity-statement+jwt', "the entity configuration's typ");
      const hints = claims.authority_hints;
      expectTrue(Array.isArray(hints), `the entity configuration has no authority_hints (FEDERATION_AUTHORITY_HINTS): ${JSON.stringify(hints)}`);
      expectIncludes(
        hints,
        ta.entityId,
        `authority_hints (the deployment should name the development Trust Anchor ${ta.entityId}: FEDERATION_AUTHORITY_HINTS)`,
      );
      const metadata = claims.metadata as Record<string, Record<string, unknown>> | undefined;
      const op = metadata?.openid_provider ?? fail('the entity configuration has no metadata.openid_provider');
      expectEqual(op.client_registration_types_supported, ['automatic'], 'openid_provider.client_registration_types_supported');
      const resolve = metadata?.federation_entity?.federation_resolve_endpoint;
      expectTrue(
        typeof resolve === 'string' && /^https?:\/\//.test(resolve),
        `federation_entity.federation_resolve_endpoint is not a URL: ${JSON.stringify(resolve)}`,
      );
    },
  }),
  defineCheck({
    id: 'C-40',
    suite,
    covers: ['C-40', 'C-46'],
    title: 'an RP known only by federation logs a citizen in at level 2: private_key_jwt, ID token verified, userinfo decrypted',
    async run(ctx) {
      const [fed, citizen] = await Promise.all([FederatedRelyingParty.create(ctx), Citizen.withCredentials(ctx)]);
      ctx.log(`RP ${fed.entityId}, citizen ${citizen.fiscalCode}`);
      await federatedLogin(fed, citizen, { what: 'an RP whose chain ends at the Trust Anchor' });
    },
  }),
  defineCheck({
    id: 'C-46.federated',
    suite,
    covers: ['C-46'],
    title: 'the federated client at token (refresh), introspection and revocation, by its resolved keys',
    async run(ctx) {
      const [fed, citizen] = await Promise.all([FederatedRelyingParty.create(ctx), Citizen.withCredentials(ctx)]);
      const { tokens } = await federatedLogin(fed, citizen, { what: 'an RP whose chain ends at the Trust Anchor' });
      const rp = fed.rp;
      const introspected = await rp.introspect(tokens.access_token);
      expectStatus(introspected, 200);
      expectEqual(introspected.json<{ active?: unknown }>().active, true, 'introspection of its live access token: active');
      const refreshToken = tokens.refresh_token;
      if (refreshToken) expectTokenResponse(await rp.refresh(refreshToken));
      expectStatus(await rp.revoke(tokens.access_token), 200);
      expectEqual((await rp.introspect(tokens.access_token)).json<{ active?: unknown }>().active, false, 'introspection after revocation: active');
    },
  }),
  defineCheck({
    id: 'C-46.re-resolved',
    suite,
    covers: ['C-46'],
    title: "once the chain's lowest exp has passed, the RP is resolved again: a redirect URI it added since is accepted",
    async run(ctx) {
      // Its entity configuration lives 8 s: that is the chain's lowest exp, past which no copy may be used.
      const lifetime = 8;
      const fed = await FederatedRelyingParty.create(ctx, { lifetime });
      const published = Date.now();
      await expectLoginOpens(fed, 'an RP whose chain ends at the Trust Anchor');
      const added = `${fed.entityId}/callback-${randomLabel(8)}`;
      await fed.republish([fed.ta.entityId], { metadata: { redirect_uris: [fed.rp.redirectUri, added] } });
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, published + (lifetime + 2) * 1000 - Date.now())));
      const { page } = await startLogin(fed.rp, { overrides: { redirect_uri: added } });
      if (!page.hasField(LABEL.password)) {
        fail(
          `${lifetime + 2} s after an entity configuration valid for ${lifetime} s, a redirect URI its new one lists was refused: ${page.describe()} ${page.text.slice(0, 200)}`,
        );
      }
    },
  }),
  defineCheck({
    id: 'C-40.intermediate',
    suite,
    covers: ['C-40', 'C-43'],
    title: 'an RP under an intermediate the Trust Anchor lists logs in (the chain RP → intermediate → TA)',
    async run(ctx) {
      const ta = await TrustAnchorClient.connect(ctx);
      const [fed, citizen] = await Promise.all([underIntermediate(ctx, ta), Citizen.withCredentials(ctx)]);
      await federatedLogin(fed, citizen, { what: 'an RP under an intermediate' });
    },
  }),
  defineCheck({
    id: 'C-40.encryption-keys',
    suite,
    covers: ['C-40', 'C-33', 'C-34'],
    title: "the encryption keys come from the chain only: ID token and userinfo encrypted to the key in the RP's resolved metadata",
    async run(ctx) {
      const [fed, citizen] = await Promise.all([
        FederatedRelyingParty.create(ctx, {
          encKey: 'RSA',
          idTokenEncryption: { alg: 'RSA-OAEP-256', enc: 'A256CBC-HS512' },
          userinfoEncryption: { alg: 'RSA-OAEP-256', enc: 'A256CBC-HS512' },
        }),
        Citizen.withCredentials(ctx),
      ]);
      const kids = fed.jwks.keys.map((k) => k.kid);
      expectTrue(!kids.includes(fed.rp.enc.kid), 'the federation jwks must not hold the encryption key (the check would prove nothing)');
      const { idToken, userinfo } = await federatedLogin(fed, citizen, { what: 'an RP asking for an encrypted ID token' });
      expectEqual(idToken.split('.').length, 5, 'the parts of the encrypted ID token (a compact JWE has 5)');
      const header = decodeProtectedHeader(idToken);
      expectEqual([header.alg, header.enc, header.kid], ['RSA-OAEP-256', 'A256CBC-HS512', fed.rp.enc.kid], "the ID token JWE's alg, enc and kid");
      expectEqual([userinfo.header.alg, userinfo.header.kid], ['RSA-OAEP-256', fed.rp.enc.kid], "the userinfo JWE's alg and kid");
    },
  }),
  defineCheck({
    id: 'C-44.redirect-uri-added',
    suite,
    covers: ['C-44', 'C-40'],
    title: "a redirect URI added by the Trust Anchor's metadata_policy (add) is accepted, at authorize and at the token endpoint",
    async run(ctx) {
      const ta = await TrustAnchorClient.connect(ctx);
      const added = `${ta.hostedId('policy')}/callback-${Date.now()}`;
      const [fed, citizen] = await Promise.all([
        FederatedRelyingParty.create(ctx, { statement: { metadata_policy: { openid_relying_party: { redirect_uris: { add: [added] } } } } }, ta),
        Citizen.withCredentials(ctx),
      ]);
      expectTrue(!(fed.metadata().redirect_uris as string[]).includes(added), 'the RP itself must not publish the added URI');
      await federatedLogin(fed, citizen, { redirectUri: added, what: 'a request for the redirect URI the policy added' });
    },
  }),
  defineCheck({
    id: 'C-47.resolve',
    suite,
    covers: ['C-47', 'C-44'],
    title: "/resolve answers a signed resolve-response+jwt: the RP's metadata after the policy, and its trust chain",
    async run(ctx) {
      const ta = await TrustAnchorClient.connect(ctx);
      const added = `${ta.hostedId('policy')}/resolved-${Date.now()}`;
      const fed = await FederatedRelyingParty.create(
        ctx,
        { statement: { metadata_policy: { openid_relying_party: { redirect_uris: { add: [added] } } } } },
        ta,
      );
      const { claims: ours } = await ourConfiguration(ctx);
      const endpoint = (ours.metadata as Record<string, Record<string, unknown>> | undefined)?.federation_entity?.federation_resolve_endpoint;
      if (typeof endpoint !== 'string') fail('the entity configuration names no federation_resolve_endpoint');
      const url = new URL(endpoint);
      url.searchParams.set('sub', fed.entityId);
      url.searchParams.set('trust_anchor', ta.entityId);
      const res = await ctx.http.request('GET', url);
      if (res.status !== 200) fail(notTrusted(ta, `${url} answered ${res.status}: ${res.text.slice(0, 200)}`));
      expectHeader(res, 'Content-Type', (v) => v.split(';')[0]?.trim() === 'application/resolve-response+jwt');
      const jwt = res.text.trim();
      try {
        await compactVerify(jwt, createLocalJWKSet(ours.jwks as { keys: JWK[] }));
      } catch (err) {
        fail(`the resolve response does not verify with the keys of our entity configuration: ${err instanceof Error ? err.message : String(err)}`);
      }
      const answer = decodeJwt(jwt) as Record<string, unknown>;
      expectEqual(answer.iss, ours.iss, "the resolve response's iss");
      expectEqual(answer.sub, fed.entityId, "the resolve response's sub");
      const metadata = (answer.metadata as Record<string, Record<string, unknown>> | undefined)?.openid_relying_party;
      const uris = metadata?.redirect_uris;
      expectTrue(Array.isArray(uris), `the resolved openid_relying_party has no redirect_uris: ${JSON.stringify(metadata)?.slice(0, 200)}`);
      expectIncludes(uris, fed.rp.redirectUri, 'the resolved redirect_uris (its own)');
      expectIncludes(uris, added, 'the resolved redirect_uris (the one the policy added)');
      const chain = answer.trust_chain;
      expectTrue(
        Array.isArray(chain) && chain.length >= 2,
        `the resolve response's trust_chain holds fewer than 2 statements: ${JSON.stringify(chain)?.slice(0, 200)}`,
      );
    },
  }),
  ...(Object.keys(CONFIGURATION_FAULT_TITLES) as ConfigurationFault[]).map((fault) =>
    refusal(
      `C-41.${fault}`,
      ['C-41'],
      `${CONFIGURATION_FAULT_TITLES[fault]} → refused`,
      // A configuration served as another type may be read as no statement at all: the endpoint did not answer one.
      fault === 'content-type' ? [...CHAIN_INVALID, ...UNREACHABLE] : CHAIN_INVALID,
      withOptions({ configurationFault: fault }),
    ),
  ),
  ...(Object.keys(STATEMENT_FAULT_TITLES) as StatementFault[]).map((fault) =>
    refusal(`C-42.${fault}`, ['C-42'], `${STATEMENT_FAULT_TITLES[fault]} → refused`, CHAIN_INVALID, withOptions({ statement: { fault } })),
  ),
  refusal('C-43.other-anchor', ['C-43'], 'a chain ending at an anchor the deployment does not trust → refused', CHAIN_INVALID, async (ctx, ta) => {
    // An intermediate that names no superior is a root of its own: nobody configured it.
    const root = await Intermediate.create(ta);
    const fed = await FederatedRelyingParty.create(ctx, { authorityHints: [root.entityId] }, ta);
    await root.subordinate(fed.entityId, fed.jwks);
    await root.publish([]);
    return fed;
  }),
  refusal('C-43.loop', ['C-43'], 'a chain that loops (two intermediates naming each other) → refused, and answered in time', CHAIN_INVALID, async (ctx, ta) => {
    const [a, b] = await Promise.all([Intermediate.create(ta), Intermediate.create(ta)]);
    const fed = await FederatedRelyingParty.create(ctx, { authorityHints: [a.entityId] }, ta);
    await Promise.all([a.subordinate(fed.entityId, fed.jwks), a.subordinate(b.entityId, b.jwks), b.subordinate(a.entityId, a.jwks)]);
    await Promise.all([a.publish([b.entityId]), b.publish([a.entityId])]);
    return fed;
  }),
  refusal(
    'C-43.path-length',
    ['C-43'],
    "a chain longer than the Trust Anchor's max_path_length (two intermediates, max_path_length 0) → refused",
    CHAIN_INVALID,
    async (ctx, ta) => {
      const [upper, lower] = await Promise.all([Intermediate.create(ta), Intermediate.create(ta)]);
      const fed = await FederatedRelyingParty.create(ctx, { authorityHints: [lower.entityId] }, ta);
      await Promise.all([lower.subordinate(fed.entityId, fed.jwks), upper.subordinate(lower.entityId, lower.jwks)]);
      await Promise.all([
        lower.publish([upper.entityId]),
        upper.publish([ta.entityId]),
        ta.addSubordinate(upper.entityId, upper.jwks, { constraints: { max_path_length: 0 } }),
      ]);
      return fed;
    },
  ),
  refusal('C-43.unreachable', ['C-43'], 'the only superior unreachable (its connections dropped) → refused', UNREACHABLE, async (ctx, ta) => {
    const name = `gone-${randomLabel(12)}`;
    await ta.host(name, { unreachable: true });
    return FederatedRelyingParty.create(ctx, { authorityHints: [ta.hostedId(name)] }, ta);
  }),
  refusal(
    'C-44.one-of',
    ['C-44'],
    "metadata_policy violated: token_endpoint_auth_method not one_of the TA's values → refused",
    NOT_AUTHORIZED,
    withOptions({ statement: { metadata_policy: { openid_relying_party: { token_endpoint_auth_method: { one_of: ['tls_client_auth'] } } } } }),
  ),
  refusal(
    'C-44.essential',
    ['C-44'],
    'metadata_policy violated: an essential member (contacts) the RP leaves out → refused',
    NOT_AUTHORIZED,
    withOptions({ statement: { metadata_policy: { openid_relying_party: { contacts: { essential: true } } } }, metadata: { contacts: undefined } }),
  ),
  ...(Object.keys(TRUST_MARK_TITLES) as Exclude<TrustMarkKind, 'valid'>[]).map((kind) =>
    refusal(
      `C-45.${kind}`,
      ['C-45'],
      `${TRUST_MARK_TITLES[kind]} → refused (the deployment must require it: FEDERATION_REQUIRED_TRUST_MARKS)`,
      NOT_AUTHORIZED,
      withOptions({ trustMark: kind }),
    ),
  ),
];
