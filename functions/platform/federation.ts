import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JWK } from 'jose';
import type { Env } from '../env';
import { isProduction } from '../env';
import { BoundedCache } from '../core/bounded-cache';
import {
  RELYING_PARTY,
  chainExpiry,
  chainMetadata,
  checkPathLength,
  checkTrustMarkClaims,
  clientFromMetadata,
  trustMarkIssuers,
} from '../core/federation-chain';
import { parseRequiredTrustMarks, parseTrustAnchors, type TrustAnchors } from '../core/federation-config';
import {
  checkEntityId,
  checkStatementClaims,
  checkStatementHeader,
  entityConfigurationUrl,
  fetchUrl,
  type EntityStatement,
} from '../core/federation-statement';
import { SIGNING_ALGS, type PublicJwk } from '../core/jose-algorithms';
import type { RegisteredClient } from '../core/oidc-client';
import { fetchStatement } from './federation-fetch';

/**
 * OpenID Federation 1.0 §10: resolving the trust chain of an entity id this provider does not know,
 * from the entity's configuration up its `authority_hints` to a configured Trust Anchor, verifying
 * every statement on the way, and what the chain says of the entity (its metadata, its trust marks).
 *
 * Failures come in three kinds, because the profile answers them differently (errors_federation):
 * `chain` — the chain does not validate (signature, expiry, loop, path length, no trusted anchor);
 * `policy` — it validates but the metadata or the trust marks are not acceptable;
 * `unreachable` — an entity or endpoint on the way did not answer a statement.
 */

export type FailureKind = 'chain' | 'policy' | 'unreachable';
export interface ResolutionFailure {
  kind: FailureKind;
  reason: string;
}

export interface ResolvedChain {
  leaf: EntityStatement;
  /** Subordinate statements from the leaf's superior up to the Trust Anchor's. */
  statements: EntityStatement[];
  /** The JWTs as fetched, in the same order as a trust chain is written: leaf first, anchor last. */
  jwts: string[];
  anchor: EntityStatement;
  /** The leaf's metadata of `entityType` after the chain's policies. */
  metadata: Record<string, unknown>;
  trustMarks: { id: string; trust_mark: string }[];
  /** The lowest `exp` of everything the resolution relied on, in seconds. */
  exp: number;
}

export type ChainResolution = { ok: true; chain: ResolvedChain } | { ok: false; failure: ResolutionFailure };

/** Statements one resolution may fetch at most: a wide tree of hints must not become a flood. */
const MAX_FETCHES = 16;

class Failed extends Error {
  constructor(readonly failure: ResolutionFailure) {
    super(failure.reason);
  }
}
/** Entity ids compared for identity (anchors, loops): a trailing slash does not make another entity. */
const sameEntity = (id: string): string => id.replace(/\/+$/, '');

const fail = (kind: FailureKind, reason: string): never => {
  throw new Failed({ kind, reason });
};

/** The anchors configured, or a refusal that says so: a bad configuration trusts nobody. */
export function trustAnchorsOf(env: Env): TrustAnchors {
  const text = env.FEDERATION_TRUST_ANCHORS ?? '';
  return parsedAnchors.get(text, () => {
    const parsed = parseTrustAnchors(text);
    if (parsed.ok) return parsed.value;
    console.error('federation:', parsed.problem);
    return new Map();
  });
}

/** Keyed by the variable's text: parsed once per isolate, a changed configuration parsed afresh. */
const parsedAnchors = new BoundedCache<string, TrustAnchors>(4);

export const federationEnabled = (env: Env): boolean => trustAnchorsOf(env).size > 0;

interface Walk {
  env: Env;
  anchors: TrustAnchors;
  allowHttp: boolean;
  now: number;
  fetches: number;
}

async function fetchJwt(walk: Walk, url: string): Promise<string> {
  walk.fetches += 1;
  if (walk.fetches > MAX_FETCHES) fail('chain', `more than ${MAX_FETCHES} statements needed to resolve the chain`);
  const fetched = await fetchStatement(url, walk.allowHttp);
  if (!fetched.ok) return fail('unreachable', fetched.problem);
  return fetched.jwt;
}

/** The statement's signature by one of `keys` (the header's kid chooses), and its claims. */
async function verifyStatement(
  jwt: string,
  keys: readonly PublicJwk[],
  expected: { iss: string; sub: string },
  now: number,
  whose: string,
): Promise<EntityStatement> {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jwt) as Record<string, unknown>;
  } catch {
    return fail('chain', `${whose}: not a signed JWT`);
  }
  const headerProblem = checkStatementHeader(header);
  if (headerProblem) fail('chain', `${whose}: ${headerProblem}`);
  let payload: unknown;
  try {
    const verified = await compactVerify(jwt, createLocalJWKSet({ keys: keys as JWK[] }), { algorithms: [...SIGNING_ALGS] });
    payload = JSON.parse(new TextDecoder().decode(verified.payload));
  } catch {
    return fail('chain', `${whose}: bad signature (no key of the expected jwks verifies it)`);
  }
  const checked = checkStatementClaims(payload, expected, Math.floor(now / 1000));
  if (!checked.ok) return fail('chain', checked.problem);
  return checked.statement;
}

/** An entity configuration, signed by a key of its own jwks (or, for a Trust Anchor, by its pinned keys). */
async function entityConfigurationOf(walk: Walk, entityId: string): Promise<{ statement: EntityStatement; jwt: string }> {
  const jwt = await fetchJwt(walk, entityConfigurationUrl(entityId));
  const pinned = walk.anchors.get(sameEntity(entityId));
  let selfKeys: PublicJwk[];
  try {
    const unverified = JSON.parse(new TextDecoder().decode(base64urlDecode(jwt.split('.')[1]!))) as { jwks?: { keys?: PublicJwk[] } };
    selfKeys = Array.isArray(unverified.jwks?.keys) ? unverified.jwks.keys.slice(0, 10) : [];
  } catch {
    return fail('chain', `entity configuration of ${entityId}: not a JSON payload`);
  }
  const statement = await verifyStatement(
    jwt,
    pinned?.keys ?? selfKeys,
    { iss: entityId, sub: entityId },
    walk.now,
    `entity configuration of ${entityId}${pinned ? ' (pinned keys)' : ''}`,
  );
  return { statement, jwt };
}

function base64urlDecode(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
}

interface Climb {
  statements: EntityStatement[];
  jwts: string[];
  anchor: EntityStatement;
  anchorJwt: string;
}

/**
 * Up from `subject` (its configuration verified) through each of its authority hints in turn, depth
 * first, until a configured Trust Anchor; the first hint that leads there wins. When none does, the
 * failure of the last one tried is the reason given.
 */
async function climb(walk: Walk, subject: EntityStatement, subjectJwt: string, below: Climb['statements'], visited: ReadonlySet<string>): Promise<Climb> {
  if (!subject.authority_hints.length) fail('chain', `${subject.sub} has no authority_hints and is not a trusted anchor`);
  let last: Failed | null = null;
  // A hint as written is the superior's iss; only identity checks (loops, anchors) ignore a trailing slash.
  for (const superiorId of subject.authority_hints) {
    try {
      if (visited.has(sameEntity(superiorId))) fail('chain', `loop in authority_hints: ${superiorId} is already in the chain`);
      const idProblem = checkEntityId(superiorId, walk.allowHttp);
      if (idProblem) fail('chain', `authority hint ${superiorId}: ${idProblem}`);
      const superior = await entityConfigurationOf(walk, superiorId);
      const endpoint = superior.statement.metadata.federation_entity?.federation_fetch_endpoint;
      if (typeof endpoint !== 'string' || checkEntityId(endpoint, walk.allowHttp)) fail('chain', `${superiorId} publishes no usable federation_fetch_endpoint`);
      const jwt = await fetchJwt(walk, fetchUrl(endpoint as string, subject.sub));
      const statement = await verifyStatement(
        jwt,
        superior.statement.jwks.keys,
        { iss: superiorId, sub: subject.sub },
        walk.now,
        `statement of ${superiorId} about ${subject.sub}`,
      );
      // The superior vouches for the subordinate's keys: its configuration must verify by them too.
      await verifyStatement(
        subjectJwt,
        statement.jwks.keys,
        { iss: subject.sub, sub: subject.sub },
        walk.now,
        `entity configuration of ${subject.sub} by the keys ${superiorId} gives`,
      );
      const statements = [...below, statement];
      const tooLong = checkPathLength(statements);
      if (tooLong) fail('chain', tooLong);
      if (walk.anchors.has(sameEntity(superiorId))) return { statements, jwts: [jwt], anchor: superior.statement, anchorJwt: superior.jwt };
      const above = await climb(walk, superior.statement, superior.jwt, statements, new Set([...visited, sameEntity(superiorId)]));
      return { ...above, jwts: [jwt, ...above.jwts] };
    } catch (err) {
      if (!(err instanceof Failed)) throw err;
      last = err;
    }
  }
  throw last;
}

/**
 * The federation keys of a trust mark issuer other than the anchor, believed only once its own chain
 * leads to that same anchor: a listed issuer's name alone does not vouch for whoever serves its URL.
 */
async function trustMarkIssuerKeys(walk: Walk, issuer: string, anchor: EntityStatement, id: string): Promise<PublicJwk[]> {
  try {
    const configuration = await entityConfigurationOf(walk, issuer);
    const climbed = await climb(walk, configuration.statement, configuration.jwt, [], new Set([sameEntity(issuer)]));
    if (climbed.anchor.iss !== anchor.iss) fail('chain', `its chain ends at ${climbed.anchor.iss}`);
    return configuration.statement.jwks.keys;
  } catch (err) {
    if (!(err instanceof Failed)) throw err;
    return fail('policy', `trust mark ${id}: its issuer ${issuer} has no valid trust chain (${err.failure.reason})`);
  }
}

/** Each required trust mark: carried by the leaf, signed by an issuer the anchor trusts for it, about the leaf, current. */
async function checkTrustMarks(walk: Walk, leaf: EntityStatement, anchor: EntityStatement, anchorKeys: readonly PublicJwk[]): Promise<number> {
  let exp = Number.POSITIVE_INFINITY;
  for (const id of parseRequiredTrustMarks(walk.env.FEDERATION_REQUIRED_TRUST_MARKS)) {
    const entry = leaf.trust_marks.find((m) => m.id === id);
    if (!entry) fail('policy', `missing trust mark ${id}`);
    const jwt = entry!.trust_mark;
    let issuer: unknown;
    try {
      issuer = (JSON.parse(new TextDecoder().decode(base64urlDecode(jwt.split('.')[1] ?? ''))) as { iss?: unknown }).iss;
    } catch {
      fail('policy', `trust mark ${id}: not a signed JWT`);
    }
    const issuers = trustMarkIssuers(anchor, id);
    if (typeof issuer !== 'string' || !issuers.includes(issuer)) fail('policy', `trust mark ${id}: its issuer is not trusted for it`);
    const keys = issuer === anchor.iss ? anchorKeys : await trustMarkIssuerKeys(walk, issuer as string, anchor, id);
    let claims: Record<string, unknown>;
    try {
      const verified = await compactVerify(jwt, createLocalJWKSet({ keys: keys as JWK[] }), { algorithms: [...SIGNING_ALGS] });
      claims = JSON.parse(new TextDecoder().decode(verified.payload)) as Record<string, unknown>;
    } catch {
      return fail('policy', `trust mark ${id}: bad signature`);
    }
    const problem = checkTrustMarkClaims(claims, { id, sub: leaf.sub, issuers }, Math.floor(walk.now / 1000));
    if (problem) fail('policy', problem);
    if (typeof claims.exp === 'number') exp = Math.min(exp, claims.exp);
  }
  return exp;
}

/**
 * The trust chain of `entityId` to one of the configured anchors (or to `anchorId` only), its
 * metadata of `entityType` and trust marks checked. Never throws for what the network answers.
 */
export async function resolveTrustChain(env: Env, entityId: string, entityType: string, now = Date.now(), anchorId?: string): Promise<ChainResolution> {
  const all = trustAnchorsOf(env);
  const anchors: TrustAnchors = anchorId ? new Map([...all].filter(([id]) => id === sameEntity(anchorId))) : all;
  if (!anchors.size)
    return { ok: false, failure: { kind: 'chain', reason: anchorId ? `${anchorId} is not a trusted anchor` : 'federation is not configured' } };
  const walk: Walk = { env, anchors, allowHttp: !isProduction(env), now, fetches: 0 };
  try {
    const idProblem = checkEntityId(entityId, walk.allowHttp);
    if (idProblem) fail('chain', idProblem);
    const leaf = await entityConfigurationOf(walk, entityId);
    const climbed = await climb(walk, leaf.statement, leaf.jwt, [], new Set([sameEntity(entityId)]));
    const anchorKeys = anchors.get(sameEntity(climbed.anchor.iss))!.keys;
    const marksExp = entityType === RELYING_PARTY ? await checkTrustMarks(walk, leaf.statement, climbed.anchor, anchorKeys) : Number.POSITIVE_INFINITY;
    const metadata = chainMetadata(leaf.statement, climbed.statements, entityType);
    if (!metadata.ok) fail('policy', metadata.problem);
    return {
      ok: true,
      chain: {
        leaf: leaf.statement,
        statements: climbed.statements,
        jwts: [leaf.jwt, ...climbed.jwts, climbed.anchorJwt],
        anchor: climbed.anchor,
        metadata: (metadata as { value: Record<string, unknown> }).value,
        trustMarks: leaf.statement.trust_marks,
        exp: Math.min(chainExpiry([leaf.statement, ...climbed.statements, climbed.anchor]), marksExp),
      },
    };
  } catch (err) {
    if (err instanceof Failed) return { ok: false, failure: err.failure };
    throw err;
  }
}

export type ClientResolution = { ok: true; client: RegisteredClient; exp: number } | { ok: false; failure: ResolutionFailure };

/** A relying party known only by federation, as a client: its chain resolved, its metadata mapped. */
export async function resolveFederatedClient(env: Env, entityId: string, now = Date.now()): Promise<ClientResolution> {
  const resolved = await resolveTrustChain(env, entityId, RELYING_PARTY, now);
  if (!resolved.ok) return resolved;
  const organization = resolved.chain.leaf.metadata.federation_entity?.organization_name;
  const mapped = clientFromMetadata(entityId, resolved.chain.metadata, { allowLoopbackHttp: !isProduction(env) }, new Date(now), organization);
  if (!mapped.ok) return { ok: false, failure: { kind: 'policy', reason: mapped.problem } };
  return { ok: true, client: mapped.client, exp: resolved.chain.exp };
}

/** Thrown where a client is read (platform/clients) for an entity id whose chain does not resolve. */
export class UnresolvedClient extends Error {
  constructor(readonly failure: ResolutionFailure) {
    super(failure.reason);
  }
}
