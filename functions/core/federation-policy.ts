/**
 * OpenID Federation 1.0 §6.1: metadata policies. A trust chain's superiors each may constrain their
 * subordinate's metadata; the policies are combined from the Trust Anchor down (a subordinate may only
 * narrow what its superior allows) and the result is applied to the leaf's metadata.
 *
 * Operators known here: `value`, `add`, `default`, `one_of`, `subset_of`, `superset_of`, `essential`.
 * Any other operator is ignored rather than refused: the reference federation's fixtures carry
 * entries (and the specification lets deployments define operators) this provider has no use for, and
 * a chain must not fail on them. The final specification allows a superior to mark an operator
 * critical (`metadata_policy_crit`); that is checked by the chain, not here.
 */

export type Policy = Record<string, Record<string, unknown>>;
export type PolicyResult<T> = { ok: true; value: T } | { ok: false; problem: string };

const KNOWN = ['value', 'add', 'default', 'one_of', 'subset_of', 'superset_of', 'essential'] as const;

/** At most this many parameters and values per operator: a policy is input from the network. */
const MAX_PARAMETERS = 200;
const MAX_VALUES = 200;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const includes = (list: unknown[], v: unknown) => list.some((x) => same(x, v));
const union = (a: unknown[], b: unknown[]) => [...a, ...b.filter((v) => !includes(a, v))];
const intersection = (a: unknown[], b: unknown[]) => a.filter((v) => includes(b, v));

/** A policy entry's operators, checked for their types; unknown operators pass through untouched. */
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
  return null;
}

/** A policy as received, every entry checked; `undefined` is no policy. */
export function checkPolicy(policy: unknown): PolicyResult<Policy> {
  if (policy === undefined) return { ok: true, value: {} };
  if (!isObject(policy)) return { ok: false, problem: 'metadata_policy is not an object' };
  const entries = Object.entries(policy);
  if (entries.length > MAX_PARAMETERS) return { ok: false, problem: 'metadata_policy has too many parameters' };
  for (const [parameter, entry] of entries) {
    const problem = checkEntry(parameter, entry);
    if (problem) return { ok: false, problem };
  }
  return { ok: true, value: policy as Policy };
}

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** One parameter's operators of a superior and of its subordinate, merged (§6.1.3.1 per operator). */
function combineEntry(parameter: string, upper: Record<string, unknown>, lower: Record<string, unknown>): PolicyResult<Record<string, unknown>> {
  const out: Record<string, unknown> = { ...lower, ...upper };
  const fail = (why: string): PolicyResult<Record<string, unknown>> => ({ ok: false, problem: `metadata_policy.${parameter}: ${why}` });
  const has = (e: Record<string, unknown>, op: string) => e[op] !== undefined;
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

  // The merged operators must still agree with each other (§6.1.3.2).
  const merged = out;
  if (has(merged, 'value') && merged.value !== null) {
    const values = asList(merged.value);
    if (has(merged, 'one_of') && !includes(merged.one_of as unknown[], merged.value)) return fail('value is not one of one_of');
    if (has(merged, 'subset_of') && !values.every((v) => includes(merged.subset_of as unknown[], v))) return fail('value is not a subset of subset_of');
    if (has(merged, 'superset_of') && !(merged.superset_of as unknown[]).every((v) => includes(values, v)))
      return fail('value is not a superset of superset_of');
    if (has(merged, 'add') && !asList(merged.add).every((v) => includes(values, v))) return fail('value does not hold what add adds');
  }
  if (has(merged, 'add') && has(merged, 'subset_of') && !asList(merged.add).every((v) => includes(merged.subset_of as unknown[], v))) {
    return fail('add adds what subset_of forbids');
  }
  if (has(merged, 'subset_of') && has(merged, 'superset_of') && !(merged.superset_of as unknown[]).every((v) => includes(merged.subset_of as unknown[], v))) {
    return fail('superset_of is not within subset_of');
  }
  if (has(merged, 'default') && has(merged, 'one_of') && !includes(merged.one_of as unknown[], merged.default)) return fail('default is not one of one_of');
  return { ok: true, value: merged };
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
 * Space-separated string parameters (`scope`) are sets of words to the list operators: applied to
 * their words, written back as a string.
 */
const asWords = (v: unknown): { list: unknown[]; back: (l: unknown[]) => unknown } =>
  typeof v === 'string' ? { list: v.split(' ').filter(Boolean), back: (l) => l.join(' ') } : { list: asList(v), back: (l) => l };

/** The policy applied to metadata (§6.1.4.1, operators in the specification's order). */
export function applyPolicy(metadata: Record<string, unknown>, policy: Policy): PolicyResult<Record<string, unknown>> {
  const out: Record<string, unknown> = { ...metadata };
  for (const [parameter, entry] of Object.entries(policy)) {
    const fail = (why: string): PolicyResult<Record<string, unknown>> => ({ ok: false, problem: `metadata policy violated: ${parameter} ${why}` });
    if (entry.value !== undefined) {
      if (entry.value === null) delete out[parameter];
      else out[parameter] = entry.value;
    }
    if (entry.add !== undefined) {
      if (out[parameter] === undefined) out[parameter] = asList(entry.add);
      else {
        const { list, back } = asWords(out[parameter]);
        out[parameter] = back(union(list, asList(entry.add)));
      }
    }
    if (entry.default !== undefined && out[parameter] === undefined) out[parameter] = entry.default;
    const current = out[parameter];
    if (Array.isArray(entry.one_of) && current !== undefined && !includes(entry.one_of, current)) return fail('is not one of the values allowed');
    if (Array.isArray(entry.subset_of) && current !== undefined) {
      const { list, back } = asWords(current);
      const kept = intersection(list, entry.subset_of);
      if (kept.length) out[parameter] = back(kept);
      else delete out[parameter];
    }
    if (Array.isArray(entry.superset_of) && out[parameter] !== undefined) {
      const { list } = asWords(out[parameter]);
      if (!entry.superset_of.every((v) => includes(list, v))) return fail('lacks values it must hold');
    }
    if (entry.essential === true && out[parameter] === undefined) return fail('is missing and essential');
  }
  return { ok: true, value: out };
}

/** The operators this provider applies; anything else in a policy is tolerated and ignored. */
export const KNOWN_OPERATORS: readonly string[] = KNOWN;
