import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JWK } from 'jose';
import type { Env } from '../env';
import { isProduction } from '../env';
import { BoundedCache } from '../core/bounded-cache';
import {
  RELYING_PARTY,
  chainExpiry,
  chainMetadata,
  checkConstraints,
  checkPathLength,
  checkTrustMarkClaims,
  clientFromMetadata,
  fetchEndpointOf,
  nextSuperiorProblem,
  sameEntity,
  trustMarkIssuers,
} from '../core/federation-chain';
import { parseRequiredTrustMarks, parseTrustAnchors, type TrustAnchors } from '../core/federation-config';
import {
  ENTITY_STATEMENT_TYP,
  TRUST_MARK_TYP,
  type TrustMarkEntry,
  checkEntityId,
  checkStatementClaims,
  checkStatementHeader,
  entityConfigurationUrl,
  fetchUrl,
  type EntityStatement,
} from '../core/federation-statement';
import { SIGNING_ALGS, type PublicJwk } from '../core/jose-algorithms';
import type { RegisteredClient } from '../core/oidc-client';
import { ENTITY_STATEMENT_TYPE, FETCH_TIMEOUT_MS, fetchStatement } from './federation-fetch';

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
/**
 * One resolution's whole time, every fetch included (each also bounded by FETCH_TIMEOUT_MS): what
 * authorize may wait, and well below the 30 s for which the cache's placeholder makes other requests
 * for the same id wait on this resolution rather than start another (platform/federation-cache).
 */
export const RESOLUTION_DEADLINE_MS = 8_000;
/**
 * Resolutions one isolate runs at once, whoever asks (a client read, /oidc/resolve). Each may fetch
 * up to 16 statements from hosts a request names; past this bound a new one is refused for now, so a
 * flood of distinct made-up ids cannot turn the provider into a fetcher of arbitrary URLs.
 */
export const MAX_RESOLUTIONS_IN_FLIGHT = 32;
/**
 * Of those, at most this many for /oidc/resolve, counted apart: anyone may call it without a login
 * to start, so slow made-up chains asked there must leave client reads (a citizen's authorize for a
 * federated RP not yet cached) the rest of the bound.
 */
export const MAX_RESOLVE_ENDPOINT_IN_FLIGHT = 8;
let inFlight = 0;
let resolveEndpointInFlight = 0;

/** Who asks for a resolution: a client read, or /oidc/resolve with its own share. */
export type Asker = 'client' | 'resolve-endpoint';

/** Whether a new resolution for `asker` would be refused now: callers check before they remember anything. */
export const resolutionsFull = (asker: Asker = 'client'): boolean =>
  inFlight >= MAX_RESOLUTIONS_IN_FLIGHT || (asker === 'resolve-endpoint' && resolveEndpointInFlight >= MAX_RESOLVE_ENDPOINT_IN_FLIGHT);
export const TOO_MANY_RESOLUTIONS: ResolutionFailure = { kind: 'unreachable', reason: 'too many trust chains being resolved, retry later' };

/**
 * What production says of an entity that did not answer: the detail (status, content type, timeout,
 * size of what some third party's URL answered) is logged, never told to whoever named that URL.
 */
export const UNANSWERED_REASON = 'a federation entity did not answer a statement';

class Failed extends Error {
  constructor(readonly failure: ResolutionFailure) {
    super(failure.reason);
  }
}
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
  /** Date.now() past which nothing more is fetched (RESOLUTION_DEADLINE_MS). */
  deadline: number;
}

async function fetchJwt(walk: Walk, url: string): Promise<string> {
  walk.fetches += 1;
  if (walk.fetches > MAX_FETCHES) fail('chain', `more than ${MAX_FETCHES} statements needed to resolve the chain`);
  const remaining = walk.deadline - Date.now();
  if (remaining <= 0) fail('unreachable', `the trust chain took more than ${RESOLUTION_DEADLINE_MS / 1000} s to resolve`);
  const fetched = await fetchStatement(url, walk.allowHttp, ENTITY_STATEMENT_TYPE, Math.min(FETCH_TIMEOUT_MS, remaining));
  if (fetched.ok) return fetched.jwt;
  if (!isProduction(walk.env)) return fail('unreachable', fetched.problem);
  console.warn('federation:', fetched.problem);
  return fail('unreachable', UNANSWERED_REASON);
}

/** A JWS whose header has `typ` and a `kid`, signed by one of `keys`: its payload, parsed. */
async function verifiedPayload(jwt: string, keys: readonly PublicJwk[], typ: string, whose: string, kind: FailureKind): Promise<unknown> {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jwt) as Record<string, unknown>;
  } catch {
    return fail(kind, `${whose}: not a signed JWT`);
  }
  const headerProblem = checkStatementHeader(header, typ);
  if (headerProblem) fail(kind, `${whose}: ${headerProblem}`);
  let payload: Uint8Array;
  try {
    payload = (await compactVerify(jwt, createLocalJWKSet({ keys: keys as JWK[] }), { algorithms: [...SIGNING_ALGS] })).payload;
  } catch {
    return fail(kind, `${whose}: bad signature (no key of the expected jwks verifies it)`);
  }
  try {
    return JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return fail(kind, `${whose}: not a JSON payload`);
  }
}

/** The statement's signature by one of `keys` (the header's kid chooses), and its claims. */
async function verifyStatement(
  jwt: string,
  keys: readonly PublicJwk[],
  expected: { iss: string; sub: string },
  now: number,
  whose: string,
): Promise<EntityStatement> {
  const payload = await verifiedPayload(jwt, keys, ENTITY_STATEMENT_TYP, whose, 'chain');
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
    const { jwks } = decodeJwt(jwt) as { jwks?: { keys?: PublicJwk[] } };
    selfKeys = Array.isArray(jwks?.keys) ? jwks.keys.slice(0, 10) : [];
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

/** A subordinate statement as fetched: by its issuer, about the entity below. */
interface Link {
  statement: EntityStatement;
  jwt: string;
}

interface Climb {
  /** From the subject's superior up to the Trust Anchor's statement about its subordinate. */
  links: Link[];
  anchor: EntityStatement;
  anchorJwt: string;
}

/**
 * §10.2: each subordinate statement verified by the keys its issuer's own superior vouches for (the
 * `jwks` of the statement above it), the Trust Anchor's by its pinned keys — never by keys an
 * intermediate merely publishes about itself.
 */
async function checkVouchedKeys(links: readonly Link[], pinned: readonly PublicJwk[]): Promise<void> {
  let keys = pinned;
  for (let j = links.length - 1; j >= 0; j--) {
    const { statement, jwt } = links[j]!;
    const by = j === links.length - 1 ? 'pinned keys' : `keys ${links[j + 1]!.statement.iss} gives it`;
    await verifiedPayload(jwt, keys, ENTITY_STATEMENT_TYP, `statement of ${statement.iss} about ${statement.sub} by the ${by}`, 'chain');
    keys = statement.jwks.keys;
  }
}

/**
 * Up from `subject` (its configuration verified) through each of its authority hints in turn, depth
 * first, until a configured Trust Anchor; the first hint that leads there with a valid chain wins.
 * When none does, the failure of the last one tried is the reason given.
 */
async function climb(
  walk: Walk,
  subject: EntityStatement,
  subjectJwt: string,
  below: readonly Link[],
  visited: ReadonlySet<string>,
  entityType: string,
): Promise<Climb> {
  if (!subject.authority_hints.length) fail('chain', `${subject.sub} has no authority_hints and is not a trusted anchor`);
  let last: Failed | null = null;
  // A hint as written is the superior's iss; only identity checks (loops, anchors) ignore a trailing slash.
  for (const superiorId of subject.authority_hints) {
    try {
      const stepProblem = nextSuperiorProblem(superiorId, visited, walk.allowHttp);
      if (stepProblem) fail('chain', stepProblem);
      const superior = await entityConfigurationOf(walk, superiorId);
      const endpoint = fetchEndpointOf(superior.statement, walk.allowHttp);
      if (!endpoint.ok) return fail('chain', endpoint.problem);
      const jwt = await fetchJwt(walk, fetchUrl(endpoint.url, subject.sub));
      // C-42: signed by a key the superior publishes; checkVouchedKeys then asks the superior's own superior.
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
      const links = [...below, { statement, jwt }];
      const statements = links.map((l) => l.statement);
      const tooLong = checkPathLength(statements);
      if (tooLong) fail('chain', tooLong);
      const pinned = walk.anchors.get(sameEntity(superiorId));
      if (!pinned) return await climb(walk, superior.statement, superior.jwt, links, new Set([...visited, sameEntity(superiorId)]), entityType);
      await checkVouchedKeys(links, pinned.keys);
      const constrained = checkConstraints(statements, entityType);
      if (constrained) fail('chain', constrained);
      return { links, anchor: superior.statement, anchorJwt: superior.jwt };
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
 * The keys are those its superior's statement gives it (§10.2), not those its configuration lists:
 * only the one that signs the configuration is checked against them, any other it lists is its own word.
 */
async function trustMarkIssuerKeys(walk: Walk, issuer: string, anchor: EntityStatement, id: string): Promise<PublicJwk[]> {
  try {
    const configuration = await entityConfigurationOf(walk, issuer);
    const climbed = await climb(walk, configuration.statement, configuration.jwt, [], new Set([sameEntity(issuer)]), 'federation_entity');
    if (climbed.anchor.iss !== anchor.iss) fail('chain', `its chain ends at ${climbed.anchor.iss}`);
    return climbed.links[0]!.statement.jwks.keys;
  } catch (err) {
    if (!(err instanceof Failed)) throw err;
    return fail('policy', `trust mark ${id}: its issuer ${issuer} has no valid trust chain (${err.failure.reason})`);
  }
}

/** One trust mark (§7): `typ` trust-mark+jwt, signed by an issuer the anchor trusts for its id, about the leaf, current. Its exp, if any. */
async function verifyTrustMark(
  walk: Walk,
  entry: TrustMarkEntry,
  leaf: EntityStatement,
  anchor: EntityStatement,
  anchorKeys: readonly PublicJwk[],
): Promise<number> {
  const { id, trust_mark: jwt } = entry;
  let issuer: unknown;
  try {
    issuer = decodeJwt(jwt).iss;
  } catch {
    fail('policy', `trust mark ${id}: not a signed JWT`);
  }
  const issuers = trustMarkIssuers(anchor, id);
  if (typeof issuer !== 'string' || !issuers.includes(issuer)) fail('policy', `trust mark ${id}: its issuer is not trusted for it`);
  const keys = issuer === anchor.iss ? anchorKeys : await trustMarkIssuerKeys(walk, issuer as string, anchor, id);
  const claims = await verifiedPayload(jwt, keys, TRUST_MARK_TYP, `trust mark ${id}`, 'policy');
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return fail('policy', `trust mark ${id}: not a JSON object`);
  const problem = checkTrustMarkClaims(claims as Record<string, unknown>, { id, sub: leaf.sub, issuers }, Math.floor(walk.now / 1000));
  if (problem) fail('policy', problem);
  const exp = (claims as { exp?: unknown }).exp;
  return typeof exp === 'number' ? exp : Number.POSITIVE_INFINITY;
}

/**
 * The leaf's trust marks that verify, and the earliest of their `exp`s. Each `required` id must be
 * among them (any entry of that id may be the one), or the RP is refused; with `all`, every other
 * mark is tried too and kept only if it verifies (§8.3: a resolve response holds verified marks only).
 */
async function checkTrustMarks(
  walk: Walk,
  leaf: EntityStatement,
  anchor: EntityStatement,
  anchorKeys: readonly PublicJwk[],
  required: readonly string[],
  all: boolean,
): Promise<{ marks: TrustMarkEntry[]; exp: number }> {
  let exp = Number.POSITIVE_INFINITY;
  const marks: TrustMarkEntry[] = [];
  const tried = new Set<TrustMarkEntry>();
  for (const id of required) {
    const entries = leaf.trust_marks.filter((m) => m.id === id);
    if (!entries.length) fail('policy', `missing trust mark ${id}`);
    let first: Failed | null = null;
    for (const entry of entries) {
      tried.add(entry);
      try {
        exp = Math.min(exp, await verifyTrustMark(walk, entry, leaf, anchor, anchorKeys));
        marks.push(entry);
        first = null;
        break;
      } catch (err) {
        if (!(err instanceof Failed)) throw err;
        first ??= err;
      }
    }
    if (first) throw first;
  }
  if (!all) return { marks, exp };
  for (const entry of leaf.trust_marks) {
    if (tried.has(entry)) continue;
    try {
      exp = Math.min(exp, await verifyTrustMark(walk, entry, leaf, anchor, anchorKeys));
      marks.push(entry);
    } catch (err) {
      if (!(err instanceof Failed)) throw err;
    }
  }
  return { marks, exp };
}

/**
 * The trust chain of `entityId` to one of the configured anchors, its metadata of `entityType` and
 * its required trust marks checked. Asked by /oidc/resolve (`endpoint`): to its one anchor only,
 * every mark the leaf carries checked (as it answers them), in its own share of the bound. Never
 * throws for what the network answers. Counted against MAX_RESOLUTIONS_IN_FLIGHT (and
 * MAX_RESOLVE_ENDPOINT_IN_FLIGHT), refused past it.
 */
export async function resolveTrustChain(
  env: Env,
  entityId: string,
  entityType: string,
  now = Date.now(),
  endpoint?: { anchorId: string },
): Promise<ChainResolution> {
  const asker: Asker = endpoint ? 'resolve-endpoint' : 'client';
  if (resolutionsFull(asker)) return { ok: false, failure: TOO_MANY_RESOLUTIONS };
  inFlight += 1;
  if (endpoint) resolveEndpointInFlight += 1;
  try {
    return await resolveUncounted(env, entityId, entityType, now, endpoint?.anchorId, endpoint !== undefined);
  } finally {
    inFlight -= 1;
    if (endpoint) resolveEndpointInFlight -= 1;
  }
}

async function resolveUncounted(
  env: Env,
  entityId: string,
  entityType: string,
  now: number,
  anchorId: string | undefined,
  allTrustMarks: boolean,
): Promise<ChainResolution> {
  const all = trustAnchorsOf(env);
  const anchors: TrustAnchors = anchorId ? new Map([...all].filter(([id]) => id === sameEntity(anchorId))) : all;
  if (!anchors.size)
    return { ok: false, failure: { kind: 'chain', reason: anchorId ? `${anchorId} is not a trusted anchor` : 'federation is not configured' } };
  const walk: Walk = { env, anchors, allowHttp: !isProduction(env), now, fetches: 0, deadline: Date.now() + RESOLUTION_DEADLINE_MS };
  try {
    const idProblem = checkEntityId(entityId, walk.allowHttp);
    if (idProblem) fail('chain', idProblem);
    const leaf = await entityConfigurationOf(walk, entityId);
    const climbed = await climb(walk, leaf.statement, leaf.jwt, [], new Set([sameEntity(entityId)]), entityType);
    const anchorKeys = anchors.get(sameEntity(climbed.anchor.iss))!.keys;
    const required = entityType === RELYING_PARTY ? parseRequiredTrustMarks(env.FEDERATION_REQUIRED_TRUST_MARKS) : [];
    const marks = await checkTrustMarks(walk, leaf.statement, climbed.anchor, anchorKeys, required, allTrustMarks);
    const statements = climbed.links.map((l) => l.statement);
    const metadata = chainMetadata(leaf.statement, statements, entityType);
    if (!metadata.ok) fail('policy', metadata.problem);
    return {
      ok: true,
      chain: {
        leaf: leaf.statement,
        statements,
        jwts: [leaf.jwt, ...climbed.links.map((l) => l.jwt), climbed.anchorJwt],
        anchor: climbed.anchor,
        metadata: (metadata as { value: Record<string, unknown> }).value,
        trustMarks: marks.marks,
        exp: Math.min(chainExpiry([leaf.statement, ...statements, climbed.anchor]), marks.exp),
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
