import { isObject, withinDepth } from './federation-json';

/**
 * OpenID Federation 1.0 §6.1: metadata policies. A trust chain's superiors each may constrain their
 * subordinate's metadata; the policies are combined from the Trust Anchor down (a subordinate may only
 * narrow what its superior allows) and the result is applied to the leaf's metadata.
 *
 * Operators known here: `value`, `add`, `default`, `one_of`, `subset_of`, `superset_of`, `essential`.
 * Any other operator is ignored rather than refused: the reference federation's fixtures carry
 * entries (and the specification lets deployments define operators) this provider has no use for, and
 * a chain must not fail on them — unless a superior lists it in `metadata_policy_crit`, which makes
 * ignoring it a policy error (criticalOperatorProblem, applied by core/federation-chain).
 */

export type Policy = Record<string, Record<string, unknown>>;
export type PolicyResult<T> = { ok: true; value: T } | { ok: false; problem: string };

const KNOWN = ['value', 'add', 'default', 'one_of', 'subset_of', 'superset_of', 'essential'] as const;

/** At most this many parameters and values per operator: a policy is input from the network. */
const MAX_PARAMETERS = 200;
const MAX_VALUES = 200;

/** The one metadata parameter that is a space-separated list in a string (§6.1.3.1: treated as an array). */
const SPACE_SEPARATED = new Set(['scope']);

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const includes = (list: unknown[], v: unknown) => list.some((x) => same(x, v));
const union = (a: unknown[], b: unknown[]) => [...a, ...b.filter((v) => !includes(a, v))];
const intersection = (a: unknown[], b: unknown[]) => a.filter((v) => includes(b, v));
const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);
const has = (e: Record<string, unknown>, op: string) => e[op] !== undefined;

/**
 * The operators of one parameter agree with each other (§6.1.3.2, the combinations the specification
 * allows): checked for every policy as received, and again once two statements' policies are merged.
 */
function combinationProblem(entry: Record<string, unknown>): string | null {
  if (has(entry, 'value')) {
    if (entry.value === null) return entry.essential === true ? 'value null and essential true contradict' : null;
    const values = asList(entry.value);
    if (has(entry, 'one_of') && !includes(entry.one_of as unknown[], entry.value)) return 'value is not one of one_of';
    if (has(entry, 'subset_of') && !values.every((v) => includes(entry.subset_of as unknown[], v))) return 'value is not a subset of subset_of';
    if (has(entry, 'superset_of') && !(entry.superset_of as unknown[]).every((v) => includes(values, v))) return 'value is not a superset of superset_of';
    if (has(entry, 'add') && !asList(entry.add).every((v) => includes(values, v))) return 'value does not hold what add adds';
  }
  if (has(entry, 'one_of') && ['add', 'subset_of', 'superset_of'].some((op) => has(entry, op)))
    return 'one_of cannot be combined with add, subset_of or superset_of';
  if (has(entry, 'add') && has(entry, 'subset_of') && !asList(entry.add).every((v) => includes(entry.subset_of as unknown[], v))) {
    return 'add adds what subset_of forbids';
  }
  if (has(entry, 'subset_of') && has(entry, 'superset_of') && !(entry.superset_of as unknown[]).every((v) => includes(entry.subset_of as unknown[], v))) {
    return 'superset_of is not within subset_of';
  }
  if (has(entry, 'default') && entry.default !== null) {
    if (has(entry, 'one_of') && !includes(entry.one_of as unknown[], entry.default)) return 'default is not one of one_of';
    if (has(entry, 'subset_of') && !asList(entry.default).every((v) => includes(entry.subset_of as unknown[], v))) return 'default is not within subset_of';
  }
  return null;
}

/** A policy entry's operators, checked for their types and their combination; unknown operators pass through untouched. */
function checkEntry(parameter: string, entry: unknown): string | null {
  if (!isObject(entry)) return `metadata_policy.${parameter} is not an object`;
  for (const op of ['add', 'one_of', 'subset_of', 'superset_of'] as const) {
    const v = entry[op];
    if (v === undefined) continue;
    // `add` may name a single value (the reference federation's fixtures do); the others are lists.
    if (op === 'add' && !Array.isArray(v)) continue;
    if (!Array.isArray(v) || v.length > MAX_VALUES) return `metadata_policy.${parameter}.${op} must be a list`;
  }
  if (entry.essential !== undefined && typeof entry.essential !== 'boolean') return `metadata_policy.${parameter}.essential must be a boolean`;
  const conflict = combinationProblem(entry);
  return conflict ? `metadata_policy.${parameter}: ${conflict}` : null;
}

/** A policy as received, every entry checked; `undefined` is no policy. */
export function checkPolicy(policy: unknown): PolicyResult<Policy> {
  if (policy === undefined) return { ok: true, value: {} };
  if (!isObject(policy)) return { ok: false, problem: 'metadata_policy is not an object' };
  if (!withinDepth(policy)) return { ok: false, problem: 'metadata_policy is nested too deep' };
  const entries = Object.entries(policy);
  if (entries.length > MAX_PARAMETERS) return { ok: false, problem: 'metadata_policy has too many parameters' };
  for (const [parameter, entry] of entries) {
    const problem = checkEntry(parameter, entry);
    if (problem) return { ok: false, problem };
  }
  return { ok: true, value: policy as Policy };
}

/** One parameter's operators of a superior and of its subordinate, merged (§6.1.3.1 per operator). */
function combineEntry(parameter: string, upper: Record<string, unknown>, lower: Record<string, unknown>): PolicyResult<Record<string, unknown>> {
  const out: Record<string, unknown> = { ...lower, ...upper };
  const fail = (why: string): PolicyResult<Record<string, unknown>> => ({ ok: false, problem: `metadata_policy.${parameter}: ${why}` });
  const both = (op: string) => has(upper, op) && has(lower, op);

  if (both('value') && !same(upper.value, lower.value)) return fail('value differs between superiors');
  if (both('default') && !same(upper.default, lower.default)) return fail('default differs between superiors');
  if (both('add')) out.add = union(asList(upper.add), asList(lower.add));
  if (both('one_of')) {
    out.one_of = intersection(upper.one_of as unknown[], lower.one_of as unknown[]);
    if (!(out.one_of as unknown[]).length) return fail('one_of leaves no value');
  }
  if (both('subset_of')) out.subset_of = intersection(upper.subset_of as unknown[], lower.subset_of as unknown[]);
  if (both('superset_of')) out.superset_of = union(upper.superset_of as unknown[], lower.superset_of as unknown[]);
  // A superior's essential: true cannot be lifted by its subordinate.
  if (has(upper, 'essential') || has(lower, 'essential')) out.essential = upper.essential === true || lower.essential === true;

  const conflict = combinationProblem(out);
  return conflict ? fail(conflict) : { ok: true, value: out };
}

/** A superior's policy over its subordinate's (both of one entity type): the narrower of the two. */
export function combinePolicies(upper: Policy, lower: Policy): PolicyResult<Policy> {
  const out: Policy = { ...lower };
  for (const [parameter, entry] of Object.entries(upper)) {
    const below = lower[parameter];
    if (!below) {
      out[parameter] = entry;
      continue;
    }
    const combined = combineEntry(parameter, entry, below);
    if (!combined.ok) return combined;
    out[parameter] = combined.value;
  }
  return { ok: true, value: out };
}

/**
 * A parameter's value as the list operators see it: an array as it is, `scope` as its words (written
 * back as a string); anything else is not a list, and a list operator on it is a policy error.
 */
function asSet(parameter: string, v: unknown): { list: unknown[]; back: (l: unknown[]) => unknown } | null {
  if (Array.isArray(v)) return { list: v, back: (l) => l };
  if (typeof v === 'string' && SPACE_SEPARATED.has(parameter)) return { list: v.split(' ').filter(Boolean), back: (l) => l.join(' ') };
  return null;
}

/** The policy applied to metadata (§6.1.4.1, operators in the specification's order). */
export function applyPolicy(metadata: Record<string, unknown>, policy: Policy): PolicyResult<Record<string, unknown>> {
  const out: Record<string, unknown> = { ...metadata };
  for (const [parameter, entry] of Object.entries(policy)) {
    const fail = (why: string): PolicyResult<Record<string, unknown>> => ({ ok: false, problem: `metadata policy violated: ${parameter} ${why}` });
    const listOf = (v: unknown) => asSet(parameter, v);
    if (entry.value !== undefined) {
      if (entry.value === null) delete out[parameter];
      else out[parameter] = entry.value;
    }
    if (entry.add !== undefined) {
      if (out[parameter] === undefined) out[parameter] = asList(entry.add);
      else {
        const set = listOf(out[parameter]);
        if (!set) return fail('is not a list, add cannot apply');
        out[parameter] = set.back(union(set.list, asList(entry.add)));
      }
    }
    if (entry.default !== undefined && entry.default !== null && out[parameter] === undefined) out[parameter] = entry.default;
    const current = out[parameter];
    if (Array.isArray(entry.one_of) && current !== undefined) {
      if (Array.isArray(current) || isObject(current)) return fail('is not a single value, one_of cannot apply');
      if (!includes(entry.one_of, current)) return fail('is not one of the values allowed');
    }
    if (Array.isArray(entry.subset_of) && current !== undefined) {
      const set = listOf(current);
      if (!set) return fail('is not a list, subset_of cannot apply');
      // An empty intersection stays, as an empty list: the parameter is present (essential holds).
      out[parameter] = set.back(intersection(set.list, entry.subset_of));
    }
    if (Array.isArray(entry.superset_of) && out[parameter] !== undefined) {
      const set = listOf(out[parameter]);
      if (!set) return fail('is not a list, superset_of cannot apply');
      if (!entry.superset_of.every((v) => includes(set.list, v))) return fail('lacks values it must hold');
    }
    if (entry.essential === true && out[parameter] === undefined) return fail('is missing and essential');
  }
  return { ok: true, value: out };
}

/** The operators this provider applies; anything else in a policy is tolerated and ignored unless critical. */
export const KNOWN_OPERATORS: readonly string[] = KNOWN;

/** §6.1.4: an operator a superior marks critical must be understood, or the policy fails. */
export function criticalOperatorProblem(crit: readonly string[]): string | null {
  const unknown = crit.find((op) => !KNOWN_OPERATORS.includes(op));
  return unknown ? `metadata policy error: the critical operator ${unknown.slice(0, 40)} is not supported` : null;
}
