import { describe, expect, it } from 'vitest';
import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import { env, createExecutionContext } from 'cloudflare:test';
import worker from '../../functions/index';
import { ORIGIN, call } from '../support/worker';
import { ACR, ISSUER } from '../support/rp';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

async function entityConfiguration() {
  const res = await call('/.well-known/openid-federation');
  return { res, jwt: new TextDecoder().decode(await res.arrayBuffer()) };
}

describe('federation entity configuration (C-1, C-2)', () => {
  it('C-1: 200 application/entity-statement+jwt, iss = sub, exp in the future, self-signed with a published kid', async () => {
    const { res, jwt } = await entityConfiguration();
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/entity-statement+jwt');
    const header = decodeProtectedHeader(jwt);
    expect(header.typ).toBe('entity-statement+jwt');
    const claims = decodeJwt(jwt) as Record<string, any>;
    expect(claims.iss).toBe(ISSUER);
    expect(claims.sub).toBe(claims.iss);
    expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
    // Self-signed: its own jwks verifies it.
    const { protectedHeader } = await compactVerify(jwt, createLocalJWKSet(claims.jwks));
    expect(claims.jwks.keys.map((k: JWK) => k.kid)).toContain(protectedHeader.kid);
    expect(claims.metadata.openid_provider).toBeTruthy();
    expect(claims.metadata.federation_entity).toBeTruthy();
  });

  it('C-1: kids are unique and no key carries private material, in the statement and in its metadata', async () => {
    const claims = decodeJwt((await entityConfiguration()).jwt) as Record<string, any>;
    for (const keys of [claims.jwks.keys, claims.metadata.openid_provider.jwks.keys] as JWK[][]) {
      const kids = keys.map((k) => k.kid);
      expect(new Set(kids).size).toBe(kids.length);
      for (const key of keys) for (const m of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(m);
    }
  });

  it('C-2: federation_entity has organization_name, homepage_uri, policy_uri, logo_uri and contacts', async () => {
    const claims = decodeJwt((await entityConfiguration()).jwt) as Record<string, any>;
    const entity = claims.metadata.federation_entity;
    expect(typeof entity.organization_name).toBe('string');
    for (const uri of ['homepage_uri', 'policy_uri', 'logo_uri']) expect(() => new URL(entity[uri])).not.toThrow();
    expect(Array.isArray(entity.contacts) && entity.contacts.length > 0).toBe(true);
  });
});

describe('openid_provider metadata (C-3, C-4)', () => {
  it('C-3: /.well-known/openid-configuration has the profile values, equal to the federation metadata', async () => {
    const res = await call('/.well-known/openid-configuration');
    expect(res.status).toBe(200);
    const m = (await res.json()) as Record<string, any>;
    expect(m.issuer).toBe(ISSUER);
    expect(m.response_types_supported).toEqual(['code']);
    expect(m.response_modes_supported).toEqual(expect.arrayContaining(['form_post', 'query']));
    expect(m.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']));
    expect(m.scopes_supported).toEqual(expect.arrayContaining(['openid', 'offline_access', 'profile', 'email']));
    expect(m.acr_values_supported).toEqual([ACR[1], ACR[2], ACR[3]]);
    expect(m.subject_types_supported).toEqual(['pairwise']);
    expect(m.code_challenge_methods_supported).toEqual(['S256']);
    for (const endpoint of ['token_endpoint', 'revocation_endpoint', 'introspection_endpoint']) {
      expect(m[`${endpoint}_auth_methods_supported`]).toEqual(['private_key_jwt']);
    }
    expect(m.claims_parameter_supported).toBe(true);
    expect(m.request_parameter_supported).toBe(true);
    expect(m.authorization_response_iss_parameter_supported).toBe(true);
    expect(m.jwks.keys.length).toBeGreaterThan(0);
    for (const endpoint of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'introspection_endpoint', 'revocation_endpoint']) {
      expect(m[endpoint]).toMatch(new RegExp(`^${ISSUER}/oidc/`));
    }
    const federation = decodeJwt((await entityConfiguration()).jwt) as Record<string, any>;
    expect(federation.metadata.openid_provider).toEqual(m);
  });

  it('C-3, C-47: client_registration_types_supported is ["automatic"] (trust chains resolved on first use) and revocation_endpoint_auth_methods_supported is private_key_jwt, in both documents', async () => {
    const m = (await (await call('/.well-known/openid-configuration')).json()) as Record<string, any>;
    const federation = (decodeJwt((await entityConfiguration()).jwt) as Record<string, any>).metadata.openid_provider;
    for (const doc of [m, federation]) {
      // An unknown entity id is resolved by its trust chain (automatic); explicit registration
      // (federation_registration_endpoint) does not exist.
      expect(doc.client_registration_types_supported).toEqual(['automatic']);
      expect(doc).not.toHaveProperty('federation_registration_endpoint');
      expect(doc.revocation_endpoint_auth_methods_supported).toEqual(['private_key_jwt']);
    }
  });

  it('C-4: RS256 and RS512 supported, ES256 too; never none, HS* or RSA1_5', async () => {
    const m = (await (await call('/.well-known/openid-configuration')).json()) as Record<string, any>;
    for (const field of [
      'id_token_signing_alg_values_supported',
      'request_object_signing_alg_values_supported',
      'token_endpoint_auth_signing_alg_values_supported',
    ]) {
      expect(m[field]).toEqual(expect.arrayContaining(['RS256', 'RS512', 'ES256']));
    }
    const everything = JSON.stringify(m);
    expect(everything).not.toMatch(/"none"|"HS256"|"HS384"|"HS512"|"RSA1_5"/);
  });

  it('C-4: the JWKS publishes current and next keys, RSA of at least 2048 bits, public members only', async () => {
    const res = await call('/oidc/jwks');
    expect(res.status).toBe(200);
    const { keys } = (await res.json()) as { keys: JWK[] };
    expect(keys.length).toBe(6);
    expect(new Set(keys.map((k) => k.kid)).size).toBe(keys.length);
    for (const key of keys) {
      for (const m of PRIVATE_MEMBERS) expect(key).not.toHaveProperty(m);
      expect(key.use).toBe('sig');
      if (key.kty === 'RSA') expect(atob(key.n!.replace(/-/g, '+').replace(/_/g, '/')).length * 8).toBeGreaterThanOrEqual(2048);
      else expect(key.crv).toBe('P-256');
    }
  });
});

describe('configuration faults answer 503, never a guess', () => {
  const fetchWith = (overrides: Record<string, unknown>, path: string) =>
    worker.fetch(new Request(`${ORIGIN}${path}`), { ...env, ...overrides } as never, createExecutionContext());

  it('missing OIDC_KEYS: 503 temporarily_unavailable as JSON', async () => {
    for (const path of ['/oidc/jwks', '/.well-known/openid-configuration', '/.well-known/openid-federation']) {
      const res = await fetchWith({ OIDC_KEYS: undefined }, path);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: string }).error).toBe('temporarily_unavailable');
    }
  });

  it('OIDC_KEYS without an RS256 key (the profile requires one) is refused, 503', async () => {
    const keys = JSON.parse(String(env.OIDC_KEYS)) as { current: { alg: string }[]; next: unknown[] };
    const withoutRs256 = JSON.stringify({ current: keys.current.filter((k) => k.alg !== 'RS256'), next: [] });
    expect((await fetchWith({ OIDC_KEYS: withoutRs256 }, '/oidc/jwks')).status).toBe(503);
  });

  it('production without ISSUER: 503; with ISSUER, the issuer is that and not the request origin', async () => {
    const production = { ENVIRONMENT: 'production', TEST_HOOKS: undefined };
    expect((await fetchWith(production, '/.well-known/openid-configuration')).status).toBe(503);
    const res = await fetchWith({ ...production, ISSUER: 'https://cieid.example.gov.it' }, '/.well-known/openid-configuration');
    expect(res.status).toBe(200);
    const m = (await res.json()) as Record<string, string>;
    expect(m.issuer).toBe('https://cieid.example.gov.it');
    expect(m.token_endpoint).toBe('https://cieid.example.gov.it/oidc/token');
  });

  it('production without federation organization data: the entity configuration answers 503', async () => {
    const res = await fetchWith({ ENVIRONMENT: 'production', ISSUER: 'https://cieid.example.gov.it' }, '/.well-known/openid-federation');
    expect(res.status).toBe(503);
  });
});
