import { checkPublicJwk, type PublicJwk } from './jose-algorithms';
import { checkPolicy, type Policy } from './federation-policy';

/**
 * OpenID Federation 1.0 §3: the claims of an entity statement — an entity configuration (`iss` =
 * `sub`) or a subordinate statement (a superior about its subordinate) — checked as they arrive from
 * the network, before anything in them is believed. Only the signature is not checked here (that is
 * I/O with keys, platform/federation-verify).
 */

export const ENTITY_STATEMENT_TYP = 'entity-statement+jwt';
/** Seconds of clock difference forgiven on `iat`. */
export const FEDERATION_CLOCK_SKEW_SECONDS = 60;

const MAX_KEYS = 10;
const MAX_HINTS = 10;
const MAX_TRUST_MARKS = 20;
const MAX_ID = 1024;

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
  constraints: { max_path_length?: number };
  trust_marks: TrustMarkEntry[];
  /** Trust Anchors only: trust mark id → who may issue it. */
  trust_mark_issuers: Record<string, string[]>;
}

export type StatementCheck = { ok: true; statement: EntityStatement } | { ok: false; problem: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID;

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
  const constraints = payload.constraints ?? {};
  if (!isObject(constraints)) return fail('constraints is not an object');
  const maxPath = constraints.max_path_length;
  if (maxPath !== undefined && !(Number.isInteger(maxPath) && (maxPath as number) >= 0)) return fail('max_path_length must be a non-negative integer');

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
      constraints: maxPath === undefined ? {} : { max_path_length: maxPath as number },
      trust_marks: trustMarks,
      trust_mark_issuers: issuers as Record<string, string[]>,
    },
  };
}

/** The protected header an entity statement must carry: its `typ`, and a `kid` naming the key. */
export function checkStatementHeader(header: Record<string, unknown>): string | null {
  if (header.typ !== ENTITY_STATEMENT_TYP) return `typ must be ${ENTITY_STATEMENT_TYP}`;
  if (typeof header.kid !== 'string' || !header.kid) return 'kid is missing';
  return null;
}

/**
 * An entity id we may fetch: an absolute https URL without query, fragment or credentials; plain
 * http to loopback only where the rules allow it (development and tests).
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
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && allowLoopbackHttp && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return null;
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
