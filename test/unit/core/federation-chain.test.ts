import { describe, expect, it } from 'vitest';
import {
  MAX_INTERMEDIATES,
  chainExpiry,
  chainMetadata,
  checkPathLength,
  checkTrustMarkClaims,
  clientFromMetadata,
  trustMarkIssuers,
} from '../../../functions/core/federation-chain';
import {
  type EntityStatement,
  checkEntityId,
  checkStatementClaims,
  checkStatementHeader,
  entityConfigurationUrl,
  fetchUrl,
} from '../../../functions/core/federation-statement';
import { parseOwnTrustMarks, parseRequiredTrustMarks, parseTrustAnchors } from '../../../functions/core/federation-config';

const NOW = 1_800_000_000;
const KEY = { kty: 'EC', crv: 'P-256', kid: 'k1', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };
const RP = 'https://rp.example.it';
const TA = 'https://ta.example.it';

const statement = (over: Partial<EntityStatement> = {}): EntityStatement => ({
  iss: TA,
  sub: RP,
  iat: NOW - 10,
  exp: NOW + 3600,
  jwks: { keys: [KEY as never] },
  authority_hints: [],
  metadata: {},
  metadata_policy: {},
  constraints: {},
  metadata_policy_crit: [],
  trust_marks: [],
  trust_mark_issuers: {},
  ...over,
});
const claims = (over: Record<string, unknown> = {}) => ({ iss: RP, sub: RP, iat: NOW - 10, exp: NOW + 3600, jwks: { keys: [KEY] }, ...over });
const problemOf = (payload: unknown, expected = { iss: RP, sub: RP }) => {
  const r = checkStatementClaims(payload, expected, NOW);
  return r.ok ? null : r.problem;
};

describe('entity statement claims (OpenID Federation 1.0 §3)', () => {
  it('a well-formed entity configuration passes, its members normalised', () => {
    const r = checkStatementClaims(claims({ authority_hints: [TA] }), { iss: RP, sub: RP }, NOW);
    expect(r.ok && r.statement.authority_hints).toEqual([TA]);
  });

  it('iss and sub must be the entities expected', () => {
    expect(problemOf(claims({ iss: TA }))).toContain('iss');
    expect(problemOf(claims({ sub: TA }))).toContain('sub');
  });

  it('expired, issued in the future, or without iat/exp: refused', () => {
    expect(problemOf(claims({ exp: NOW }))).toContain('expired');
    expect(problemOf(claims({ iat: NOW + 3600 }))).toContain('future');
    expect(problemOf(claims({ iat: undefined }))).toContain('iat');
  });

  it('jwks must hold public keys with a kid', () => {
    expect(problemOf(claims({ jwks: { keys: [] } }))).toContain('jwks');
    expect(problemOf(claims({ jwks: { keys: [{ ...KEY, kid: undefined }] } }))).toContain('kid');
    expect(problemOf(claims({ jwks: { keys: [{ ...KEY, d: 'secret' }] } }))).toContain('federation key');
  });

  it('authority_hints, metadata_policy, constraints and trust_marks must be well formed', () => {
    expect(problemOf(claims({ authority_hints: 'x' }))).toContain('authority_hints');
    expect(problemOf(claims({ metadata_policy: { openid_relying_party: { redirect_uris: 'x' } } }))).toContain('metadata_policy');
    expect(problemOf(claims({ constraints: { max_path_length: -1 } }))).toContain('max_path_length');
    expect(problemOf(claims({ trust_marks: [{ id: 'x' }] }))).toContain('trust_marks');
  });

  it('a trust mark entry may name its id as trust_mark_type (newer drafts)', () => {
    const r = checkStatementClaims(claims({ trust_marks: [{ trust_mark_type: 'https://ta/tm', trust_mark: 'a.b.c' }] }), { iss: RP, sub: RP }, NOW);
    expect(r.ok && r.statement.trust_marks).toEqual([{ id: 'https://ta/tm', trust_mark: 'a.b.c' }]);
  });

  it('the header must say entity-statement+jwt and name its key', () => {
    expect(checkStatementHeader({ typ: 'entity-statement+jwt', kid: 'k' })).toBeNull();
    expect(checkStatementHeader({ typ: 'JWT', kid: 'k' })).toContain('typ');
    expect(checkStatementHeader({ typ: 'entity-statement+jwt' })).toContain('kid');
  });
});

describe('entity ids and the URLs made from them', () => {
  it('https only; loopback http only when allowed; no query, fragment or credentials', () => {
    expect(checkEntityId('https://rp.example.it/path', false)).toBeNull();
    expect(checkEntityId('http://127.0.0.1:9/x', false)).toContain('https');
    expect(checkEntityId('http://127.0.0.1:9/x', true)).toBeNull();
    expect(checkEntityId('http://rp.example.it', true)).toContain('https');
    expect(checkEntityId('https://rp.example.it/?a=1', false)).toContain('query');
    expect(checkEntityId('https://u:p@rp.example.it', false)).toContain('credentials');
    expect(checkEntityId('not a url', false)).not.toBeNull();
  });

  it('the configuration is under the entity id’s path; the fetch endpoint is asked with sub', () => {
    expect(entityConfigurationUrl('https://rp.example.it/oidc/rp/')).toBe('https://rp.example.it/oidc/rp/.well-known/openid-federation');
    expect(fetchUrl('https://ta.example.it/fetch', RP)).toBe('https://ta.example.it/fetch?sub=https%3A%2F%2Frp.example.it');
  });
});

describe('trust chain checks (OpenID Federation 1.0 §10)', () => {
  it(`a chain of more than ${MAX_INTERMEDIATES} intermediates is too long`, () => {
    expect(checkPathLength(Array.from({ length: MAX_INTERMEDIATES + 1 }, () => statement()))).toBeNull();
    expect(checkPathLength(Array.from({ length: MAX_INTERMEDIATES + 2 }, () => statement()))).toContain('path too long');
  });

  it('max_path_length of a superior counts the intermediates between it and the leaf', () => {
    expect(checkPathLength([statement(), statement({ constraints: { max_path_length: 1 } })])).toBeNull();
    expect(checkPathLength([statement(), statement({ constraints: { max_path_length: 0 } })])).toContain('allows 0');
  });

  it('the chain expires with its earliest statement', () => {
    expect(chainExpiry([statement({ exp: NOW + 5 }), statement({ exp: NOW + 1 }), statement({ exp: NOW + 9 })])).toBe(NOW + 1);
  });

  it('metadata: policies of every superior combined, the nearest superior’s metadata over the leaf’s, then applied', () => {
    const leaf = statement({ iss: RP, metadata: { openid_relying_party: { client_name: 'RP', redirect_uris: ['https://rp/cb'] } } });
    const ia = statement({
      iss: 'https://ia',
      metadata: { openid_relying_party: { client_name: 'By IA' } },
      metadata_policy: { openid_relying_party: { redirect_uris: { add: ['https://rp/ia'] } } },
    });
    const ta = statement({ metadata_policy: { openid_relying_party: { redirect_uris: { add: ['https://rp/ta'] } } } });
    const r = chainMetadata(leaf, [ia, ta], 'openid_relying_party');
    expect(r.ok && r.value).toEqual({ client_name: 'By IA', redirect_uris: ['https://rp/cb', 'https://rp/ta', 'https://rp/ia'] });
  });

  it('metadata: a conflict between superiors or a violated policy fails; so does a leaf without that metadata', () => {
    const leaf = statement({ iss: RP, metadata: { openid_relying_party: { token_endpoint_auth_method: 'client_secret_basic' } } });
    const ia = statement({ metadata_policy: { openid_relying_party: { token_endpoint_auth_method: { value: 'a' } } } });
    const ta = statement({ metadata_policy: { openid_relying_party: { token_endpoint_auth_method: { value: 'b' } } } });
    expect(chainMetadata(leaf, [ia, ta], 'openid_relying_party').ok).toBe(false);
    const strict = statement({ metadata_policy: { openid_relying_party: { token_endpoint_auth_method: { one_of: ['private_key_jwt'] } } } });
    const r = chainMetadata(leaf, [strict], 'openid_relying_party');
    expect(!r.ok && r.problem).toContain('metadata policy violated');
    expect(chainMetadata(statement(), [strict], 'openid_relying_party').ok).toBe(false);
  });
});

describe('trust marks (OpenID Federation 1.0 §7)', () => {
  const ID = 'https://ta.example.it/openid_relying_party/public';
  const mark = (over: Record<string, unknown> = {}) => ({ iss: TA, sub: RP, id: ID, iat: NOW - 10, exp: NOW + 60, ...over });
  const expected = { id: ID, sub: RP, issuers: [TA] };

  it('about this RP, of this id, by a trusted issuer, current: accepted; trust_mark_type names the id too; no exp never expires', () => {
    expect(checkTrustMarkClaims(mark(), expected, NOW)).toBeNull();
    expect(checkTrustMarkClaims(mark({ id: undefined, trust_mark_type: ID }), expected, NOW)).toBeNull();
    expect(checkTrustMarkClaims(mark({ exp: undefined }), expected, NOW)).toBeNull();
  });

  it('another sub, another id, an untrusted issuer, expired: refused', () => {
    expect(checkTrustMarkClaims(mark({ sub: 'https://other' }), expected, NOW)).toContain('not about');
    expect(checkTrustMarkClaims(mark({ id: 'https://other/tm' }), expected, NOW)).toContain('id');
    expect(checkTrustMarkClaims(mark({ iss: 'https://stranger' }), expected, NOW)).toContain('issuer');
    expect(checkTrustMarkClaims(mark({ exp: NOW }), expected, NOW)).toContain('expired');
  });

  it('issuers: the Trust Anchor itself and those its trust_mark_issuers lists for the id', () => {
    expect(trustMarkIssuers(statement({ iss: TA, trust_mark_issuers: { [ID]: ['https://ia'] } }), ID)).toEqual([TA, 'https://ia']);
    expect(trustMarkIssuers(statement({ iss: TA }), 'https://other')).toEqual([TA]);
  });
});

describe('the resolved metadata as a client (core/oidc-client rules)', () => {
  const metadata = {
    client_name: 'Comune',
    redirect_uris: [`${RP}/cb`],
    jwks: { keys: [{ ...KEY, use: 'sig' }] },
    token_endpoint_auth_method: 'private_key_jwt',
  };
  const rules = { allowLoopbackHttp: false };

  it('maps name, redirect URIs, keys; the entity id is the client_id', () => {
    const r = clientFromMetadata(RP, metadata, rules, new Date(NOW * 1000));
    expect(r.ok && r.client).toMatchObject({ client_id: RP, client_name: 'Comune', redirect_uris: [`${RP}/cb`] });
  });

  it('without client_name, the organization the federation_entity names; without either, refused', () => {
    const { client_name: _, ...unnamed } = metadata;
    const r = clientFromMetadata(RP, unnamed, rules, new Date(), 'Comune di Roma');
    expect(r.ok && r.client.client_name).toBe('Comune di Roma');
    expect(clientFromMetadata(RP, unnamed, rules, new Date()).ok).toBe(false);
  });

  it('a client_id other than the entity id, another auth method, or metadata the registry would refuse: refused', () => {
    expect(clientFromMetadata(RP, { ...metadata, client_id: 'https://other' }, rules, new Date()).ok).toBe(false);
    expect(clientFromMetadata(RP, { ...metadata, token_endpoint_auth_method: 'client_secret_basic' }, rules, new Date()).ok).toBe(false);
    const r = clientFromMetadata(RP, { ...metadata, redirect_uris: ['http://rp.example.it/cb'] }, rules, new Date());
    expect(!r.ok && r.problem).toContain('redirect_uris');
  });
});

describe('federation configuration', () => {
  it('FEDERATION_TRUST_ANCHORS: unset is none; pinned public keys per anchor; anything malformed refused whole', () => {
    expect(parseTrustAnchors(undefined)).toEqual({ ok: true, value: new Map() });
    const r = parseTrustAnchors(JSON.stringify({ [`${TA}/`]: { keys: [KEY] } }));
    expect(r.ok && [...r.value.keys()]).toEqual([TA]);
    expect(parseTrustAnchors('{').ok).toBe(false);
    expect(parseTrustAnchors(JSON.stringify({ [TA]: { keys: [] } })).ok).toBe(false);
    expect(parseTrustAnchors(JSON.stringify({ [TA]: { keys: [{ ...KEY, d: 'x' }] } })).ok).toBe(false);
  });

  it('FEDERATION_REQUIRED_TRUST_MARKS and FEDERATION_TRUST_MARKS', () => {
    expect(parseRequiredTrustMarks(' a, ,b ')).toEqual(['a', 'b']);
    expect(parseOwnTrustMarks('[{"id":"x","trust_mark":"a.b.c"}]')).toEqual({ ok: true, value: [{ id: 'x', trust_mark: 'a.b.c' }] });
    expect(parseOwnTrustMarks('[{"id":"x"}]').ok).toBe(false);
  });
});
