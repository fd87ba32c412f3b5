import { applyPolicy, combinePolicies, type Policy, type PolicyResult } from './federation-policy';
import type { EntityStatement } from './federation-statement';
import { parseClientRegistration, type RegisteredClient, type RegistrationRules } from './oidc-client';

/**
 * OpenID Federation 1.0 §10: what makes a trust chain acceptable once each statement in it has been
 * verified — its length, its loops, the metadata it ends in, the trust marks its leaf carries — and
 * the relying party it describes, as a client of this provider.
 */

/** At most this many intermediates between a relying party and its Trust Anchor. */
export const MAX_INTERMEDIATES = 3;

export const RELYING_PARTY = 'openid_relying_party';

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
 * The leaf's metadata of one entity type as the chain makes it: the policies combined from the Trust
 * Anchor down, the leaf's superior's `metadata` (if any) taking precedence over the leaf's own, then
 * the combined policy applied.
 */
export function chainMetadata(leaf: EntityStatement, statements: readonly EntityStatement[], entityType: string): PolicyResult<Record<string, unknown>> {
  let policy: Policy = {};
  for (const statement of [...statements].reverse()) {
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
  const parsed = parseClientRegistration({ ...metadata, client_id: entityId, client_name: metadata.client_name ?? fallbackName }, rules, now);
  if (!parsed.ok) return { ok: false, problem: `metadata not acceptable: ${parsed.problems.map((p) => `${p.field} ${p.message}`).join('; ')}` };
  return { ok: true, client: parsed.value };
}
