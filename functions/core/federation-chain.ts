import { applyPolicy, combinePolicies, criticalOperatorProblem, type Policy, type PolicyResult } from './federation-policy';
import { type EntityStatement, FEDERATION_CLOCK_SKEW_SECONDS, checkEntityId } from './federation-statement';
import { parseClientRegistration, type RegisteredClient, type RegistrationRules } from './oidc-client';

/**
 * OpenID Federation 1.0 §10: what makes a trust chain acceptable once each statement in it has been
 * verified — its length, its loops, the metadata it ends in, the trust marks its leaf carries — and
 * the relying party it describes, as a client of this provider.
 */

/** At most this many intermediates between a relying party and its Trust Anchor. */
export const MAX_INTERMEDIATES = 3;

export const RELYING_PARTY = 'openid_relying_party';

/** Entity ids compared for identity (anchors, loops): a trailing slash does not make another entity. */
export const sameEntity = (id: string): string => id.replace(/\/+$/, '');

/** Whether `superiorId` (an authority hint) may be the next step up: not met before on this path, an entity id we may fetch. */
export function nextSuperiorProblem(superiorId: string, visited: ReadonlySet<string>, allowLoopbackHttp: boolean): string | null {
  if (visited.has(sameEntity(superiorId))) return `loop in authority_hints: ${superiorId} is already in the chain`;
  const idProblem = checkEntityId(superiorId, allowLoopbackHttp);
  return idProblem ? `authority hint ${superiorId}: ${idProblem}` : null;
}

/**
 * The superior's `federation_fetch_endpoint` (§8.1.1), held to the rules of an entity id except that
 * it may carry a query (fetchUrl adds `sub` to it).
 */
export function fetchEndpointOf(superior: EntityStatement, allowLoopbackHttp: boolean): { ok: true; url: string } | { ok: false; problem: string } {
  const endpoint = superior.metadata.federation_entity?.federation_fetch_endpoint;
  const refused = { ok: false as const, problem: `${superior.sub} publishes no usable federation_fetch_endpoint` };
  if (typeof endpoint !== 'string' || endpoint.includes('#')) return refused;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return refused;
  }
  const withoutQuery = `${url.origin}${url.pathname}`;
  if (url.username || url.password || checkEntityId(withoutQuery, allowLoopbackHttp)) return refused;
  return { ok: true, url: endpoint };
}

/**
 * `max_path_length` (§6.2.1): a superior's statement about its subordinate allows at most that many
 * intermediates between the superior and the leaf. `statements` run from the leaf's superior up to
 * the Trust Anchor's statement about its subordinate.
 */
export function checkPathLength(statements: readonly EntityStatement[]): string | null {
  if (statements.length > MAX_INTERMEDIATES + 1) return `path too long: more than ${MAX_INTERMEDIATES} intermediates`;
  for (const [below, statement] of statements.entries()) {
    const max = statement.constraints.max_path_length;
    if (max !== undefined && below > max) return `path too long: ${statement.iss} allows ${max} intermediates, the chain has ${below}`;
  }
  return null;
}

/**
 * A host name as compared: lower case, Unicode labels as punycode (what new URL gives an entity id's
 * host), one trailing dot dropped — `rp.evil.example.` is the same host as `rp.evil.example`, and an
 * excluded constraint must not be slipped past by either spelling. Null when it is no host name.
 */
function comparableHost(name: string): string | null {
  const bare = name.endsWith('.') ? name.slice(0, -1) : name;
  // A path, port, credentials or query would be cut off by URL and the rest compared: no host name, then.
  if (!bare || bare.length > 253 || /[/?#@\\\s]/.test(bare) || (bare.includes(':') && !bare.startsWith('['))) return null;
  try {
    const host = new URL(`https://${bare}`).hostname.toLowerCase();
    return host.endsWith('.') ? null : host;
  } catch {
    return null;
  }
}

/**
 * RFC 5280 §4.2.1.10 for a URI's host: `.example.it` any host below example.it, `example.it` that host
 * only. A constraint that is no host name matches nothing (so an excluded one excludes nothing and a
 * permitted one permits nothing).
 */
export function hostMatches(host: string, constraint: string): boolean {
  const h = comparableHost(host);
  const below = constraint.startsWith('.');
  const c = comparableHost(below ? constraint.slice(1) : constraint);
  if (h === null || c === null) return false;
  return below ? h.endsWith(`.${c}`) : h === c;
}

const hostOf = (entityId: string): string | null => {
  try {
    return new URL(entityId).hostname;
  } catch {
    return null;
  }
};

/**
 * §6.2, each constraint applied on its own: a superior's statement constrains its subject and every
 * entity below it — `naming_constraints` their entity ids' hosts, `allowed_entity_types` the types they
 * may be resolved as (`federation_entity` always allowed). `statements` run from the leaf's superior
 * up, as in checkPathLength; the entity ids below statement j are the subjects of statements 0..j.
 * Any failure makes the chain invalid.
 */
export function checkConstraints(statements: readonly EntityStatement[], entityType: string): string | null {
  for (const [j, statement] of statements.entries()) {
    const { naming_constraints: names, allowed_entity_types: types } = statement.constraints;
    if (types && entityType !== 'federation_entity' && !types.includes(entityType)) {
      return `${statement.iss} does not allow entity type ${entityType} below it`;
    }
    if (!names) continue;
    for (const below of statements.slice(0, j + 1)) {
      const host = hostOf(below.sub);
      const permitted = !names.permitted?.length || (host !== null && names.permitted.some((c) => hostMatches(host, c)));
      // A host that cannot be compared is taken as excluded: an exclusion must fail closed.
      const excluded = names.excluded?.length ? host === null || names.excluded.some((c) => hostMatches(host, c)) : false;
      if (!permitted || excluded) return `${below.sub} is outside the naming constraints of ${statement.iss}`;
    }
  }
  return null;
}

/**
 * The leaf's metadata of one entity type as the chain makes it: the policies combined from the Trust
 * Anchor down, the leaf's superior's `metadata` (if any) taking precedence over the leaf's own, then
 * the combined policy applied.
 */
export function chainMetadata(leaf: EntityStatement, statements: readonly EntityStatement[], entityType: string): PolicyResult<Record<string, unknown>> {
  let policy: Policy = {};
  for (const statement of [...statements].reverse()) {
    const critical = criticalOperatorProblem(statement.metadata_policy_crit);
    if (critical) return { ok: false, problem: `${critical} (${statement.iss})` };
    const combined = combinePolicies(policy, statement.metadata_policy[entityType] ?? {});
    if (!combined.ok) return { ok: false, problem: `metadata policy conflict at ${statement.iss}: ${combined.problem}` };
    policy = combined.value;
  }
  const own = leaf.metadata[entityType];
  if (!own) return { ok: false, problem: `the entity configuration has no ${entityType} metadata` };
  const fromSuperior = statements[0]?.metadata[entityType] ?? {};
  return applyPolicy({ ...own, ...fromSuperior }, policy);
}

/** The lowest `exp` of the chain, in seconds: the resolved client is good until then. */
export const chainExpiry = (statements: readonly EntityStatement[]): number => Math.min(...statements.map((s) => s.exp));

/** A trust mark's claims (§7.1): for this leaf, of this id, by an issuer the Trust Anchor trusts, current. */
export function checkTrustMarkClaims(
  claims: Record<string, unknown>,
  expected: { id: string; sub: string; issuers: readonly string[] },
  now: number,
): string | null {
  const id = claims.id ?? claims.trust_mark_type;
  if (id !== expected.id) return `trust mark ${expected.id}: its id differs`;
  if (claims.sub !== expected.sub) return `trust mark ${expected.id}: it is not about this entity`;
  if (typeof claims.iss !== 'string' || !expected.issuers.includes(claims.iss)) return `trust mark ${expected.id}: its issuer is not trusted for it`;
  if (typeof claims.iat !== 'number') return `trust mark ${expected.id}: iat is missing`;
  if (claims.iat > now + FEDERATION_CLOCK_SKEW_SECONDS) return `trust mark ${expected.id}: issued in the future`;
  if (claims.exp !== undefined && (typeof claims.exp !== 'number' || claims.exp <= now)) return `trust mark ${expected.id}: expired`;
  return null;
}

/** Who may issue trust mark `id`: the issuers the Trust Anchor lists for it, and the Trust Anchor itself. */
export const trustMarkIssuers = (anchor: EntityStatement, id: string): string[] => [anchor.iss, ...(anchor.trust_mark_issuers[id] ?? [])];

/**
 * The resolved `openid_relying_party` metadata as a client: the same rules as a registration through
 * the registry (core/oidc-client), the entity id as client_id whatever the metadata says it is.
 * `client_name` is optional in federation metadata; without it the name citizens see on the consent
 * page is `fallbackName`, the organization the entity's `federation_entity` names.
 */
export function clientFromMetadata(
  entityId: string,
  metadata: Record<string, unknown>,
  rules: RegistrationRules,
  now: Date,
  fallbackName?: unknown,
): { ok: true; client: RegisteredClient } | { ok: false; problem: string } {
  if (metadata.client_id !== undefined && metadata.client_id !== entityId) return { ok: false, problem: 'metadata client_id is not the entity id' };
  if (metadata.token_endpoint_auth_method !== undefined && metadata.token_endpoint_auth_method !== 'private_key_jwt') {
    return { ok: false, problem: 'token_endpoint_auth_method must be private_key_jwt' };
  }
  const limits = federationLimits(metadata);
  if (!limits.ok) return limits;
  const parsed = parseClientRegistration({ ...metadata, client_id: entityId, client_name: metadata.client_name ?? fallbackName }, rules, now);
  if (!parsed.ok) return { ok: false, problem: `metadata not acceptable: ${parsed.problems.map((p) => `${p.field} ${p.message}`).join('; ')}` };
  return { ok: true, client: { ...parsed.value, ...limits.value } };
}

const isWordList = (v: unknown): v is string[] => Array.isArray(v) && v.length <= 50 && v.every((w) => typeof w === 'string' && w.length <= 200);

/**
 * What the resolved metadata allows beyond the registry's rules, kept on the client and enforced at
 * authorize and token (core/oidc-client's clientAllows…): `response_types` must hold `code` (the only
 * flow there is), `grant_types` must hold `authorization_code` and decides whether refresh tokens may
 * be had, `scope` bounds the scopes the RP may ask. Absent, the profile's own limits apply.
 */
function federationLimits(
  metadata: Record<string, unknown>,
): { ok: true; value: Pick<RegisteredClient, 'grant_types' | 'scope'> } | { ok: false; problem: string } {
  const refuse = (problem: string) => ({ ok: false as const, problem: `metadata not acceptable: ${problem}` });
  const { response_types: responseTypes, grant_types: grantTypes, scope } = metadata;
  if (responseTypes !== undefined && !(isWordList(responseTypes) && responseTypes.includes('code'))) return refuse('response_types must include code');
  if (grantTypes !== undefined && !(isWordList(grantTypes) && grantTypes.includes('authorization_code'))) {
    return refuse('grant_types must include authorization_code');
  }
  if (scope !== undefined && (typeof scope !== 'string' || scope.length > 1000)) return refuse('scope must be a space-separated string');
  return {
    ok: true,
    value: {
      ...(grantTypes !== undefined ? { grant_types: grantTypes as string[] } : {}),
      ...(scope !== undefined ? { scope: (scope as string).split(' ').filter(Boolean) } : {}),
    },
  };
}
