import { checkPublicJwk, type PublicJwk } from './jose-algorithms';
import { checkPolicy, type Policy } from './federation-policy';
import { isObject, withinDepth } from './federation-json';
import { isLoopbackHost } from './loopback';

/**
 * OpenID Federation 1.0 §3: the claims of an entity statement — an entity configuration (`iss` =
 * `sub`) or a subordinate statement (a superior about its subordinate) — checked as they arrive from
 * the network, before anything in them is believed. Only the signature is not checked here (that is
 * I/O with keys, platform/federation.ts).
 */

export const ENTITY_STATEMENT_TYP = 'entity-statement+jwt';
/** §7: a trust mark without this `typ` is refused, so that no other JWT of its issuer passes for one. */
export const TRUST_MARK_TYP = 'trust-mark+jwt';
/** Seconds of clock difference forgiven on `iat`. */
export const FEDERATION_CLOCK_SKEW_SECONDS = 60;

const MAX_KEYS = 10;
const MAX_HINTS = 10;
const MAX_TRUST_MARKS = 20;
const MAX_ID = 1024;
const MAX_NAMES = 50;

export interface TrustMarkEntry {
  id: string;
  trust_mark: string;
}

export interface EntityStatement {
  iss: string;
  sub: string;
  iat: number;
  exp: number;
  jwks: { keys: PublicJwk[] };
  authority_hints: string[];
  /** By entity type: `openid_relying_party`, `federation_entity`, … */
  metadata: Record<string, Record<string, unknown>>;
  /** By entity type, one policy each. */
  metadata_policy: Record<string, Policy>;
  constraints: Constraints;
  /** §6.1.4: policy operators the issuer marks critical; one this provider does not know is a policy error. */
  metadata_policy_crit: string[];
  trust_marks: TrustMarkEntry[];
  /** Trust Anchors only: trust mark id → who may issue it. */
  trust_mark_issuers: Record<string, string[]>;
}

/** §6.2: the trust chain constraints a superior puts on everything below it. */
export interface Constraints {
  max_path_length?: number;
  /** RFC 5280 §4.2.1.10 host names: `host.example` that host, `.example` any host below it. */
  naming_constraints?: { permitted?: string[]; excluded?: string[] };
  /** Entity types the subordinates may have (`federation_entity` always allowed). */
  allowed_entity_types?: string[];
}

export type StatementCheck = { ok: true; statement: EntityStatement } | { ok: false; problem: string };

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID;
const isNameList = (v: unknown): v is string[] => Array.isArray(v) && v.length <= MAX_NAMES && v.every(isId);

/** The constraints claim, each member checked; unknown members ignored (§6.2 lets more be defined). */
function parseConstraints(value: unknown): { ok: true; value: Constraints } | { ok: false; problem: string } {
  const constraints = value ?? {};
  if (!isObject(constraints)) return { ok: false, problem: 'constraints is not an object' };
  const out: Constraints = {};
  const maxPath = constraints.max_path_length;
  if (maxPath !== undefined) {
    if (!(Number.isInteger(maxPath) && (maxPath as number) >= 0)) return { ok: false, problem: 'max_path_length must be a non-negative integer' };
    out.max_path_length = maxPath as number;
  }
  const names = constraints.naming_constraints;
  if (names !== undefined) {
    if (!isObject(names)) return { ok: false, problem: 'naming_constraints is not an object' };
    const { permitted, excluded } = names;
    if ((permitted !== undefined && !isNameList(permitted)) || (excluded !== undefined && !isNameList(excluded))) {
      return { ok: false, problem: `naming_constraints.permitted and .excluded must be lists of at most ${MAX_NAMES} names` };
    }
    out.naming_constraints = { ...(permitted ? { permitted } : {}), ...(excluded ? { excluded } : {}) };
  }
  const types = constraints.allowed_entity_types;
  if (types !== undefined) {
    if (!isNameList(types)) return { ok: false, problem: 'allowed_entity_types must be a list of entity types' };
    out.allowed_entity_types = types;
  }
  return { ok: true, value: out };
}

function keys(value: unknown, who: string): { ok: true; keys: PublicJwk[] } | { ok: false; problem: string } {
  const list = isObject(value) ? value.keys : undefined;
  if (!Array.isArray(list) || !list.length || list.length > MAX_KEYS) return { ok: false, problem: `${who}: jwks must hold 1 to ${MAX_KEYS} keys` };
  const out: PublicJwk[] = [];
  for (const key of list) {
    const checked = checkPublicJwk(key);
    if (!checked.ok) return { ok: false, problem: `${who}: a federation key is unusable (${checked.message})` };
    out.push(checked.jwk);
  }
  return { ok: true, keys: out };
}

function byType(value: unknown, name: string, who: string): { ok: true; value: Record<string, Record<string, unknown>> } | { ok: false; problem: string } {
  if (value === undefined) return { ok: true, value: {} };
  if (!isObject(value) || Object.values(value).some((v) => !isObject(v))) return { ok: false, problem: `${who}: ${name} is not an object of objects` };
  return { ok: true, value: value as Record<string, Record<string, unknown>> };
}

/**
 * The statement's claims, or why they are refused: `iss` and `sub` as expected, issued (`iat`) and
 * not yet expired (`exp`), federation keys that carry a `kid`, and every member it uses well formed.
 */
export function checkStatementClaims(payload: unknown, expected: { iss: string; sub: string }, now: number): StatementCheck {
  const who = expected.iss === expected.sub ? `entity configuration of ${expected.sub}` : `statement of ${expected.iss} about ${expected.sub}`;
  const fail = (problem: string): StatementCheck => ({ ok: false, problem: `${who}: ${problem}` });
  if (!isObject(payload)) return fail('not a JSON object');
  if (!withinDepth(payload)) return fail('nested too deep');
  if (payload.iss !== expected.iss) return fail('iss is not the expected entity');
  if (payload.sub !== expected.sub) return fail('sub is not the expected entity');
  if (!isTime(payload.iat) || !isTime(payload.exp)) return fail('iat and exp are required');
  if (payload.iat > now + FEDERATION_CLOCK_SKEW_SECONDS) return fail('issued in the future');
  if (payload.exp <= now) return fail('expired');
  const jwks = keys(payload.jwks, who);
  if (!jwks.ok) return jwks;

  const hints = payload.authority_hints ?? [];
  if (!Array.isArray(hints) || hints.length > MAX_HINTS || !hints.every(isId)) return fail(`authority_hints must be a list of at most ${MAX_HINTS} entity ids`);
  const metadata = byType(payload.metadata, 'metadata', who);
  if (!metadata.ok) return metadata;
  const policies = byType(payload.metadata_policy, 'metadata_policy', who);
  if (!policies.ok) return policies;
  for (const policy of Object.values(policies.value)) {
    const checked = checkPolicy(policy);
    if (!checked.ok) return fail(checked.problem);
  }
  const constraints = parseConstraints(payload.constraints);
  if (!constraints.ok) return fail(constraints.problem);
  const crit = payload.metadata_policy_crit ?? [];
  if (!isNameList(crit)) return fail('metadata_policy_crit must be a list of operator names');

  const marks = payload.trust_marks ?? [];
  if (!Array.isArray(marks) || marks.length > MAX_TRUST_MARKS) return fail(`trust_marks must be a list of at most ${MAX_TRUST_MARKS}`);
  const trustMarks: TrustMarkEntry[] = [];
  for (const mark of marks) {
    // `trust_mark_type` is the newer drafts' name of `id`.
    const id = isObject(mark) ? (mark.id ?? mark.trust_mark_type) : undefined;
    if (!isObject(mark) || !isId(id) || typeof mark.trust_mark !== 'string' || mark.trust_mark.length > 16_384) return fail('a trust_marks entry is malformed');
    trustMarks.push({ id, trust_mark: mark.trust_mark });
  }
  // `trust_marks_issuers` is how some releases of the reference implementation spell it.
  const issuers = payload.trust_mark_issuers ?? payload.trust_marks_issuers ?? {};
  if (!isObject(issuers) || !Object.values(issuers).every((list) => Array.isArray(list) && list.every(isId))) return fail('trust_mark_issuers is malformed');

  return {
    ok: true,
    statement: {
      iss: expected.iss,
      sub: expected.sub,
      iat: payload.iat,
      exp: payload.exp,
      jwks: { keys: jwks.keys },
      authority_hints: hints as string[],
      metadata: metadata.value,
      metadata_policy: policies.value as Record<string, Policy>,
      constraints: constraints.value,
      metadata_policy_crit: crit,
      trust_marks: trustMarks,
      trust_mark_issuers: issuers as Record<string, string[]>,
    },
  };
}

/** The protected header a statement (or, with its own `typ`, a trust mark) must carry: its `typ`, and a `kid` naming the key. */
export function checkStatementHeader(header: Record<string, unknown>, typ: string = ENTITY_STATEMENT_TYP): string | null {
  if (header.typ !== typ) return `typ must be ${typ}`;
  if (typeof header.kid !== 'string' || !header.kid) return 'kid is missing';
  return null;
}

/** Names that only resolve inside a network (RFC 6761, RFC 6762, ICANN's .internal). */
const INTERNAL_SUFFIXES = ['.localhost', '.local', '.internal', '.localdomain', '.home.arpa'];

/**
 * Where production may send a request a stranger names: a public DNS name on port 443 — never an IP
 * literal (a private range, the cloud's metadata address), a single-label or internal name.
 */
function publicHostProblem(url: URL): string | null {
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (url.port && url.port !== '443') return 'entity id must use the default https port';
  if (host.startsWith('[') || /^[\d.]+$/.test(host) || /^0x/i.test(host)) return 'entity id must name a host, not an IP address';
  if (!host.includes('.') || host === 'localhost' || INTERNAL_SUFFIXES.some((s) => host.endsWith(s))) return 'entity id must name a public host';
  return null;
}

/**
 * An entity id we may fetch: an absolute https URL without query, fragment or credentials. In
 * production a public host name only (publicHostProblem); elsewhere (development and tests) any https
 * host, and plain http to loopback.
 */
export function checkEntityId(value: unknown, allowLoopbackHttp: boolean): string | null {
  if (!isId(value)) return 'entity id is not a URL of at most 1024 characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'entity id is not a URL';
  }
  if (url.search || value.includes('#') || url.username || url.password) return 'entity id must have no query, fragment or credentials';
  // `rp.example.` is `rp.example` spelled another way: one entity, one spelling, for anchors and constraints alike.
  if (url.hostname.endsWith('.')) return 'entity id host must not end with a dot';
  if (url.protocol === 'https:') return allowLoopbackHttp ? null : publicHostProblem(url);
  if (url.protocol === 'http:' && allowLoopbackHttp && isLoopbackHost(url.hostname)) return null;
  return 'entity id must be an https URL';
}

/** `<entity id>/.well-known/openid-federation`, the entity id's own path kept (§9). */
export const entityConfigurationUrl = (entityId: string): string => `${entityId.replace(/\/+$/, '')}/.well-known/openid-federation`;

/** A superior's fetch endpoint asked about one subordinate (§8.1.1). */
export function fetchUrl(endpoint: string, subject: string): string {
  const url = new URL(endpoint);
  url.searchParams.set('sub', subject);
  return url.toString();
}
