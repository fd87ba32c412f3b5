import type { Check } from '../core/check.ts';
import { UsageError } from '../core/usage-error.ts';

export interface Selection {
  /** Suite names; empty means every suite. */
  suites?: readonly string[];
  /** Check ids or anything a check covers (C-12, R-ACT-3); empty means every check. */
  only?: readonly string[];
}

/**
 * The checks a run or a listing is about, in their listed order. A name that matches nothing is a
 * usage error rather than an empty, green run: a typo in a CI job must not pass silently.
 */
export function selectChecks(all: readonly Check[], selection: Selection): Check[] {
  let checks = [...all];
  const suites = selection.suites ?? [];
  if (suites.length > 0) {
    const known = [...new Set(all.map((c) => c.suite))];
    const unknown = suites.filter((s) => !known.includes(s));
    if (unknown.length > 0) {
      throw new UsageError(`unknown suite ${unknown.join(', ')}; the suites are: ${known.join(', ') || '(none)'}`);
    }
    checks = checks.filter((c) => suites.includes(c.suite));
  }
  const only = selection.only ?? [];
  if (only.length > 0) {
    const same = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();
    const hits = (c: Check, name: string) => same(c.id, name) || c.covers.some((r) => same(r, name));
    const unmatched = only.filter((name) => !checks.some((c) => hits(c, name)));
    if (unmatched.length > 0) {
      const scope = suites.length > 0 ? ` in suite ${suites.join(', ')}` : '';
      throw new UsageError(`no check has the id or covers ${unmatched.join(', ')}${scope} (see: cie-harness list)`);
    }
    checks = checks.filter((c) => only.some((name) => hits(c, name)));
  }
  return checks;
}
