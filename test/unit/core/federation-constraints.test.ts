import { describe, expect, it } from 'vitest';
import {
  chainMetadata,
  checkConstraints,
  checkTrustMarkClaims,
  clientFromMetadata,
  fetchEndpointOf,
  hostMatches,
  nextSuperiorProblem,
  sameEntity,
} from '../../../functions/core/federation-chain';
import { withinDepth } from '../../../functions/core/federation-json';
import { type EntityStatement, checkEntityId, checkStatementClaims, checkStatementHeader } from '../../../functions/core/federation-statement';
import { clientAllowsGrant, clientAllowsScope } from '../../../functions/core/oidc-client';

const NOW = 1_800_000_000;
const KEY = { kty: 'EC', crv: 'P-256', kid: 'k1', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };
const RP = 'https://rp.comune.example.it/oidc/rp';
const IA = 'https://ia.example.it';
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
const claims = (over: Record<string, unknown> = {}) => ({ iss: TA, sub: RP, iat: NOW - 10, exp: NOW + 3600, jwks: { keys: [KEY] }, ...over });
const parsed = (over: Record<string, unknown>) => checkStatementClaims(claims(over), { iss: TA, sub: RP }, NOW);

describe('trust chain constraints, each applied on its own (OpenID Federation 1.0 §6.2)', () => {
  it('naming constraints match hosts as RFC 5280 does: .example.it any host below it, example.it that host only', () => {
    expect(hostMatches('rp.comune.example.it', '.example.it')).toBe(true);
    expect(hostMatches('example.it', '.example.it')).toBe(false);
    expect(hostMatches('Example.IT', 'example.it')).toBe(true);
    expect(hostMatches('rp.example.it', 'example.it')).toBe(false);
    expect(hostMatches('badexample.it', '.example.it')).toBe(false);
  });

  it('naming constraints see through a trailing dot and Unicode spelled as punycode, on either side', () => {
    expect(hostMatches('rp.evil.example.', '.evil.example')).toBe(true);
    expect(hostMatches('evil.example.', 'evil.example')).toBe(true);
    expect(hostMatches('rp.evil.example', '.evil.example.')).toBe(true);
    // new URL gives an entity id's Unicode host as punycode; a constraint written in Unicode still matches it.
    expect(hostMatches(new URL('https://rp.comunè.example/').hostname, '.comunè.example')).toBe(true);
    expect(hostMatches(new URL('https://comunè.example/').hostname, 'COMUNÈ.example')).toBe(true);
    expect(hostMatches('rp.example.it', '.evil.example')).toBe(false);
    expect(hostMatches('rp.evil.example', '.evil.example/x')).toBe(false);
    expect(checkEntityId('https://rp.evil.example./oidc', false)).toContain('must not end with a dot');
    expect(checkEntityId('http://localhost./x', true)).toContain('must not end with a dot');
    const excludedEvil = [statement({ iss: TA, sub: 'https://rp.evil.example./oidc', constraints: { naming_constraints: { excluded: ['.evil.example'] } } })];
    expect(checkConstraints(excludedEvil, 'openid_relying_party')).toContain('outside the naming constraints');
    const permittedGood = [
      statement({ iss: TA, sub: 'https://rp.xn--comun-8ra.example/oidc', constraints: { naming_constraints: { permitted: ['.comunè.example'] } } }),
    ];
    expect(checkConstraints(permittedGood, 'openid_relying_party')).toBeNull();
    const unparsable = [statement({ iss: TA, sub: 'not a url', constraints: { naming_constraints: { excluded: ['.evil.example'] } } })];
    expect(checkConstraints(unparsable, 'openid_relying_party')).toContain('outside the naming constraints');
  });

  it('permitted: every entity id below the statement (its subject included) must match one; excluded: none may', () => {
    const leafUp = (constraints: EntityStatement['constraints']) => [statement({ iss: IA, sub: RP }), statement({ iss: TA, sub: IA, constraints })];
    expect(checkConstraints(leafUp({ naming_constraints: { permitted: ['.example.it'] } }), 'openid_relying_party')).toBeNull();
    expect(checkConstraints(leafUp({ naming_constraints: { permitted: ['.comune.example.it'] } }), 'openid_relying_party')).toContain(
      `${IA} is outside the naming constraints of ${TA}`,
    );
    expect(checkConstraints(leafUp({ naming_constraints: { excluded: ['rp.comune.example.it'] } }), 'openid_relying_party')).toContain(
      `${RP} is outside the naming constraints`,
    );
  });

  it('allowed_entity_types: a type not listed cannot be resolved below it; federation_entity always can', () => {
    const chain = [statement({ constraints: { allowed_entity_types: ['openid_provider'] } })];
    expect(checkConstraints(chain, 'openid_relying_party')).toContain('does not allow entity type openid_relying_party');
    expect(checkConstraints(chain, 'openid_provider')).toBeNull();
    expect(checkConstraints(chain, 'federation_entity')).toBeNull();
  });

  it('parsed from the statement, malformed ones refused', () => {
    const ok = parsed({
      constraints: { max_path_length: 1, naming_constraints: { permitted: ['.it'], excluded: ['x.it'] }, allowed_entity_types: ['openid_relying_party'] },
    });
    expect(ok.ok && ok.statement.constraints).toEqual({
      max_path_length: 1,
      naming_constraints: { permitted: ['.it'], excluded: ['x.it'] },
      allowed_entity_types: ['openid_relying_party'],
    });
    expect(parsed({ constraints: { naming_constraints: { permitted: '.it' } } }).ok).toBe(false);
    expect(parsed({ constraints: { naming_constraints: [] } }).ok).toBe(false);
    expect(parsed({ constraints: { allowed_entity_types: [1] } }).ok).toBe(false);
  });
});

describe('metadata_policy_crit (OpenID Federation 1.0 §6.1.4)', () => {
  const leaf = statement({ iss: RP, metadata: { openid_relying_party: { client_name: 'x' } } });

  it('an operator marked critical that this provider does not know is a policy error', () => {
    const superior = statement({ metadata_policy: { openid_relying_party: { client_name: { regexp: '^never$' } } }, metadata_policy_crit: ['regexp'] });
    const r = chainMetadata(leaf, [superior], 'openid_relying_party');
    expect(!r.ok && r.problem).toContain('critical operator regexp');
  });

  it('critical operators it knows, and unknown ones not marked critical, pass', () => {
    const superior = statement({ metadata_policy: { openid_relying_party: { client_name: { regexp: '^never$' } } }, metadata_policy_crit: ['one_of'] });
    expect(chainMetadata(leaf, [superior], 'openid_relying_party').ok).toBe(true);
  });

  it('read from the statement: a list of names, or refused', () => {
    const r = parsed({ metadata_policy_crit: ['regexp'] });
    expect(r.ok && r.statement.metadata_policy_crit).toEqual(['regexp']);
    expect(parsed({ metadata_policy_crit: 'regexp' }).ok).toBe(false);
  });
});

describe('trust mark header and time (OpenID Federation 1.0 §7)', () => {
  it('the header must say trust-mark+jwt when a trust mark is checked', () => {
    expect(checkStatementHeader({ typ: 'trust-mark+jwt', kid: 'k' }, 'trust-mark+jwt')).toBeNull();
    expect(checkStatementHeader({ typ: 'entity-statement+jwt', kid: 'k' }, 'trust-mark+jwt')).toContain('typ must be trust-mark+jwt');
    expect(checkStatementHeader({ typ: 'trust-mark+jwt' }, 'trust-mark+jwt')).toContain('kid');
  });

  it('a trust mark issued in the future is refused', () => {
    const ID = `${TA}/openid_relying_party/public`;
    const mark = { iss: TA, sub: RP, id: ID, iat: NOW + 3600 };
    expect(checkTrustMarkClaims(mark, { id: ID, sub: RP, issuers: [TA] }, NOW)).toContain('issued in the future');
  });
});

describe('entity ids fetched in production: public host names on port 443 only', () => {
  it('IP literals, loopback and internal names, single labels, other ports: refused when loopback is not allowed', () => {
    for (const id of [
      'https://127.0.0.1',
      'https://10.0.0.1:8443/x',
      'https://169.254.169.254/latest',
      'https://2130706433/',
      'https://[::1]/',
      'https://[fd00::1]/',
      'https://localhost/',
      'https://intranet/',
      'https://printer.local/',
      'https://db.internal/',
      'https://x.localhost/',
      'https://rp.example.it:8443/',
    ]) {
      expect(checkEntityId(id, false), id).not.toBeNull();
    }
  });

  it('a public host name, on the default port (written or not), passes; development keeps its loopback hosts', () => {
    expect(checkEntityId('https://rp.example.it/oidc/rp/', false)).toBeNull();
    expect(checkEntityId('https://rp.example.it:443/', false)).toBeNull();
    expect(checkEntityId('https://127.0.0.1:8443/x', true)).toBeNull();
    expect(checkEntityId('http://127.0.0.1:9/x', true)).toBeNull();
  });
});

describe('statements nested without bound are refused before anything re-serialises them', () => {
  it('nesting is measured without recursion, a statement deeper than 32 refused', () => {
    const deep = JSON.parse(`${'['.repeat(8000)}${']'.repeat(8000)}`);
    expect(withinDepth(deep)).toBe(false);
    expect(withinDepth({ a: [{ b: [1] }] })).toBe(true);
    const r = parsed({ metadata: { openid_relying_party: { x: deep } } });
    expect(!r.ok && r.problem).toContain('nested too deep');
  });
});

describe('resolved metadata beyond the registry’s fields: response_types, grant_types, scope', () => {
  const metadata = { client_name: 'Comune', redirect_uris: [`${RP}/cb`], jwks: { keys: [{ ...KEY, use: 'sig' }] } };
  const rules = { allowLoopbackHttp: false };
  const mapped = (over: Record<string, unknown>) => clientFromMetadata(RP, { ...metadata, ...over }, rules, new Date(NOW * 1000));

  it('response_types without code, or grant_types without authorization_code: the RP is refused', () => {
    const r = mapped({ response_types: ['id_token'] });
    expect(!r.ok && r.problem).toContain('response_types must include code');
    expect(mapped({ grant_types: ['refresh_token'] }).ok).toBe(false);
    expect(mapped({ grant_types: 'authorization_code' }).ok).toBe(false);
  });

  it('grant_types and scope are kept on the client and limit it; absent, nothing is limited', () => {
    const r = mapped({ response_types: ['code'], grant_types: ['authorization_code'], scope: 'openid profile' });
    if (!r.ok) throw new Error(r.problem);
    expect(r.client).toMatchObject({ grant_types: ['authorization_code'], scope: ['openid', 'profile'] });
    expect(clientAllowsGrant(r.client, 'refresh_token')).toBe(false);
    expect(clientAllowsGrant(r.client, 'authorization_code')).toBe(true);
    expect(clientAllowsScope(r.client, 'email')).toBe(false);
    expect(clientAllowsScope(r.client, 'profile')).toBe(true);
    const plain = mapped({});
    if (!plain.ok) throw new Error(plain.problem);
    expect(clientAllowsGrant(plain.client, 'refresh_token')).toBe(true);
    expect(clientAllowsScope(plain.client, 'email')).toBe(true);
  });
});

describe('the way up a chain: loops, the superiors’ fetch endpoints', () => {
  const superior = (endpoint: unknown) => statement({ iss: IA, sub: IA, metadata: { federation_entity: { federation_fetch_endpoint: endpoint } } });

  it('a superior already met (a trailing slash does not make it another) is a loop; a hint that is no entity id is refused', () => {
    const visited = new Set([sameEntity(`${RP}/`), sameEntity(IA)]);
    expect(nextSuperiorProblem(`${IA}/`, visited, false)).toContain('loop in authority_hints');
    expect(nextSuperiorProblem(TA, visited, false)).toBeNull();
    expect(nextSuperiorProblem('https://10.0.0.1/', visited, false)).toContain('authority hint');
  });

  it('the fetch endpoint: an https URL the superior publishes, with a query if it has one (§8.1.1)', () => {
    expect(fetchEndpointOf(superior(`${IA}/fetch`), false)).toEqual({ ok: true, url: `${IA}/fetch` });
    expect(fetchEndpointOf(superior(`${IA}/fetch?tenant=it`), false)).toEqual({ ok: true, url: `${IA}/fetch?tenant=it` });
    for (const bad of [undefined, 42, 'http://ia.example.it/fetch', `${IA}/fetch#x`]) {
      const r = fetchEndpointOf(superior(bad), false);
      expect(!r.ok && r.problem, String(bad)).toContain('no usable federation_fetch_endpoint');
    }
  });
});
