import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { expectEqual, expectHeader, expectIncludes, expectJson, expectStatus, expectTrue, fail } from '../core/assert.ts';
import { defineCheck, type Check, type CheckContext } from '../core/check.ts';
import { ACR } from '../actors/relying-party.ts';

/** C-1 … C-4: what an RP learns about the OP before sending anyone to it. */
const suite = 'metadata';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const FORBIDDEN_ALGS = /^(none|HS\d+|RSA1_5)$/i;

type Json = Record<string, any>;

async function entityConfiguration(ctx: CheckContext) {
  const res = await ctx.http.request('GET', new URL('/.well-known/openid-federation', ctx.baseUrl));
  return { res, jwt: res.text.trim() };
}

function statementClaims(jwt: string): Json {
  try {
    return decodeJwt(jwt) as Json;
  } catch (err) {
    return fail(`the entity configuration is not a JWT: ${err instanceof Error ? err.message : String(err)}`);
  }
}

async function discovery(ctx: CheckContext): Promise<Json> {
  const res = await ctx.http.request('GET', new URL('/.well-known/openid-configuration', ctx.baseUrl));
  expectStatus(res, 200);
  return expectJson<Json>(res);
}

function keysOf(jwks: unknown, where: string): JWK[] {
  const keys = (jwks as { keys?: unknown } | undefined)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) fail(`${where} has no keys`);
  return keys as JWK[];
}

function expectPublicUniqueKeys(keys: JWK[], where: string): void {
  const kids = keys.map((k) => k.kid);
  expectTrue(
    kids.every((k) => typeof k === 'string' && k.length > 0),
    `every key in ${where} needs a kid: ${JSON.stringify(kids)}`,
  );
  expectEqual(new Set(kids).size, kids.length, `the number of distinct kids in ${where}`);
  for (const key of keys) {
    const leaked = PRIVATE_MEMBERS.filter((m) => m in key);
    if (leaked.length) fail(`key ${key.kid} in ${where} carries private key material: ${leaked.join(', ')}`);
  }
}

const rsaBits = (key: JWK) => Buffer.from(key.n ?? '', 'base64url').length * 8;

export const metadataChecks: Check[] = [
  defineCheck({
    id: 'C-1',
    suite,
    covers: ['C-1'],
    title: 'entity configuration: 200 entity-statement+jwt, self-signed, iss = sub, exp in the future, both metadata kinds',
    async run(ctx) {
      const { res, jwt } = await entityConfiguration(ctx);
      expectStatus(res, 200);
      expectHeader(res, 'Content-Type', /^application\/entity-statement\+jwt\s*(;|$)/i);
      const claims = statementClaims(jwt);
      expectTrue(typeof claims.iss === 'string' && claims.iss.length > 0, `the entity configuration has no iss: ${JSON.stringify(claims.iss)}`);
      expectEqual(claims.sub, claims.iss, "the entity configuration's sub (= iss)");
      expectTrue(
        typeof claims.exp === 'number' && claims.exp > Date.now() / 1000,
        `the entity configuration's exp must be in the future, got ${JSON.stringify(claims.exp)}`,
      );
      const keys = keysOf(claims.jwks, "the entity configuration's jwks");
      const kid = decodeProtectedHeader(jwt).kid;
      expectIncludes(
        keys.map((k) => k.kid),
        kid,
        "the entity configuration's kids (its signing kid)",
      );
      try {
        await compactVerify(jwt, createLocalJWKSet({ keys }));
      } catch (err) {
        fail(`the entity configuration does not verify with its own jwks: ${err instanceof Error ? err.message : String(err)}`);
      }
      expectTrue(claims.metadata?.openid_provider, 'the entity configuration has no metadata.openid_provider');
      expectTrue(claims.metadata?.federation_entity, 'the entity configuration has no metadata.federation_entity');
    },
  }),
  defineCheck({
    id: 'C-1.keys',
    suite,
    covers: ['C-1'],
    title: 'entity configuration: unique kids and no private key material, in the statement and its OP metadata',
    async run(ctx) {
      const claims = statementClaims((await entityConfiguration(ctx)).jwt);
      expectPublicUniqueKeys(keysOf(claims.jwks, "the statement's jwks"), "the statement's jwks");
      expectPublicUniqueKeys(keysOf(claims.metadata?.openid_provider?.jwks, 'metadata.openid_provider.jwks'), 'metadata.openid_provider.jwks');
    },
  }),
  defineCheck({
    id: 'C-2',
    suite,
    covers: ['C-2'],
    title: 'federation_entity: organization_name, homepage_uri, policy_uri, logo_uri, contacts',
    async run(ctx) {
      const claims = statementClaims((await entityConfiguration(ctx)).jwt);
      const entity = claims.metadata?.federation_entity as Json | undefined;
      if (!entity) fail('the entity configuration has no metadata.federation_entity');
      expectTrue(
        typeof entity.organization_name === 'string' && entity.organization_name.trim(),
        `organization_name must be a non-empty string, got ${JSON.stringify(entity.organization_name)}`,
      );
      for (const member of ['homepage_uri', 'policy_uri', 'logo_uri']) {
        expectTrue(
          typeof entity[member] === 'string' && URL.canParse(entity[member]),
          `${member} must be an absolute URL, got ${JSON.stringify(entity[member])}`,
        );
      }
      expectTrue(
        Array.isArray(entity.contacts) && entity.contacts.length > 0 && entity.contacts.every((c: unknown) => typeof c === 'string'),
        `contacts must be a non-empty list, got ${JSON.stringify(entity.contacts)}`,
      );
    },
  }),
  defineCheck({
    id: 'C-3',
    suite,
    covers: ['C-3'],
    title: "openid-configuration: the profile's response types, modes, grants, scopes, acr, pairwise, S256, private_key_jwt, flags, inline jwks",
    async run(ctx) {
      const m = await discovery(ctx);
      // OpenID Connect Discovery §4.3: the issuer is the URL the configuration was fetched from.
      expectEqual(m.issuer, ctx.baseUrl.href.replace(/\/$/, ''), 'issuer (the URL the configuration was fetched from)');
      expectEqual(m.response_types_supported, ['code'], 'response_types_supported');
      for (const mode of ['form_post', 'query']) expectIncludes(m.response_modes_supported, mode, 'response_modes_supported');
      for (const grant of ['authorization_code', 'refresh_token']) expectIncludes(m.grant_types_supported, grant, 'grant_types_supported');
      for (const scope of ['openid', 'offline_access', 'profile', 'email']) expectIncludes(m.scopes_supported, scope, 'scopes_supported');
      for (const acr of Object.values(ACR)) expectIncludes(m.acr_values_supported, acr, 'acr_values_supported');
      expectEqual(m.subject_types_supported, ['pairwise'], 'subject_types_supported');
      expectEqual(m.code_challenge_methods_supported, ['S256'], 'code_challenge_methods_supported');
      for (const endpoint of ['token', 'revocation', 'introspection']) {
        expectEqual(m[`${endpoint}_endpoint_auth_methods_supported`], ['private_key_jwt'], `${endpoint}_endpoint_auth_methods_supported`);
        expectTrue(typeof m[`${endpoint}_endpoint`] === 'string', `${endpoint}_endpoint is missing`);
      }
      for (const flag of ['claims_parameter_supported', 'request_parameter_supported', 'authorization_response_iss_parameter_supported']) {
        expectEqual(m[flag], true, flag);
      }
      keysOf(m.jwks, 'the inline jwks');
    },
  }),
  defineCheck({
    id: 'C-3.federation',
    suite,
    covers: ['C-3'],
    title: "the federation's openid_provider metadata is the same as /.well-known/openid-configuration",
    async run(ctx) {
      const m = await discovery(ctx);
      const claims = statementClaims((await entityConfiguration(ctx)).jwt);
      expectEqual(claims.metadata?.openid_provider, m, 'metadata.openid_provider of the entity configuration');
    },
  }),
  defineCheck({
    id: 'C-3.registration',
    suite,
    covers: ['C-3'],
    title:
      'client_registration_types_supported is listed (automatic, explicit or neither) and revocation_endpoint_auth_methods_supported is private_key_jwt, in both documents',
    async run(ctx) {
      const documents: [string, Json | undefined][] = [
        ['/.well-known/openid-configuration', await discovery(ctx)],
        ["the entity configuration's openid_provider", statementClaims((await entityConfiguration(ctx)).jwt).metadata?.openid_provider],
      ];
      for (const [where, m] of documents) {
        if (!m) fail(`${where} is missing`);
        const types = m.client_registration_types_supported;
        expectTrue(
          Array.isArray(types),
          `client_registration_types_supported in ${where} must be a list (OpenID Federation requires it), got ${JSON.stringify(types)}`,
        );
        const unknown = (types as unknown[]).filter((t) => t !== 'automatic' && t !== 'explicit');
        if (unknown.length)
          fail(`client_registration_types_supported in ${where} lists ${JSON.stringify(unknown)}; the federation defines only automatic and explicit`);
        // Explicit registration is a request to this endpoint; announcing it without one misleads an RP.
        if ((types as unknown[]).includes('explicit')) {
          expectTrue(
            typeof m.federation_registration_endpoint === 'string' && URL.canParse(m.federation_registration_endpoint),
            `${where} announces explicit registration without a federation_registration_endpoint`,
          );
        }
        expectEqual(m.revocation_endpoint_auth_methods_supported, ['private_key_jwt'], `revocation_endpoint_auth_methods_supported in ${where}`);
      }
    },
  }),
  defineCheck({
    id: 'C-4',
    suite,
    covers: ['C-4'],
    title: 'algorithms: RS256 and RS512 for ID tokens, request objects and client assertions; never none, HS*, RSA1_5',
    async run(ctx) {
      const m = await discovery(ctx);
      for (const field of [
        'id_token_signing_alg_values_supported',
        'request_object_signing_alg_values_supported',
        'token_endpoint_auth_signing_alg_values_supported',
      ]) {
        for (const alg of ['RS256', 'RS512']) expectIncludes(m[field], alg, field);
        if (!(m[field] as unknown[]).includes('ES256')) ctx.log(`${field} lacks ES256 (recommended by the profile)`);
      }
      for (const [field, values] of Object.entries(m)) {
        if (!/_(alg|enc)_values_supported$/.test(field) || !Array.isArray(values)) continue;
        const bad = values.filter((v) => typeof v === 'string' && FORBIDDEN_ALGS.test(v));
        if (bad.length) fail(`${field} lists ${bad.join(', ')}, which the profile forbids`);
      }
    },
  }),
  defineCheck({
    id: 'C-4.keys',
    suite,
    covers: ['C-4'],
    title: "the OP's JWKS: signing keys only, RSA of at least 2048 bits, no private members, unique kids",
    async run(ctx) {
      const m = await discovery(ctx);
      const uri = typeof m.jwks_uri === 'string' ? m.jwks_uri : null;
      let keys = keysOf(m.jwks, 'the inline jwks');
      if (uri) {
        const res = await ctx.http.request('GET', uri);
        expectStatus(res, 200);
        keys = keysOf(expectJson(res), 'jwks_uri');
      }
      expectPublicUniqueKeys(keys, "the OP's JWKS");
      for (const key of keys) {
        if (key.kty === 'RSA' && rsaBits(key) < 2048) fail(`RSA key ${key.kid} has ${rsaBits(key)} bits, fewer than 2048`);
        if (key.alg && FORBIDDEN_ALGS.test(key.alg)) fail(`key ${key.kid} is for ${key.alg}, which the profile forbids`);
        if (key.kty === 'oct') fail(`key ${key.kid} is a symmetric key (kty oct) in a public JWKS`);
      }
      expectTrue(
        keys.some((k) => k.kty === 'RSA'),
        'the OP publishes no RSA key, but RS256 is mandatory',
      );
    },
  }),
];
