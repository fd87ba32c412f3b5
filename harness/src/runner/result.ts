import type { Check } from '../core/check.ts';
import type { Exchange } from '../core/http.ts';

/**
 * `failed`: the deployment broke a rule (a CheckFailure, a request left unanswered, the check's time
 * ran out). `error`: the check itself threw something unexpected, which says more about the harness
 * or a surprise answer it cannot read than about the rule.
 */
export type Outcome = 'passed' | 'failed' | 'error';

export interface CheckResult {
  check: Check;
  outcome: Outcome;
  message?: string;
  /** Kept for errors: shown with --verbose and in the reports, not on the terminal by default. */
  stack?: string;
  durationMs: number;
  exchanges: readonly Exchange[];
  logs: readonly string[];
}

export interface RunReport {
  baseUrl: string;
  startedAt: Date;
  durationMs: number;
  concurrency: number;
  /** In the order the checks were listed, whatever order they finished in. */
  results: CheckResult[];
}

export interface Tally {
  passed: number;
  failed: number;
  errors: number;
  total: number;
}

export function tally(results: readonly CheckResult[]): Tally {
  const count = (outcome: Outcome) => results.filter((r) => r.outcome === outcome).length;
  return { passed: count('passed'), failed: count('failed'), errors: count('error'), total: results.length };
}

/** Suites in the order their first check appears, so reports follow the order of `list`. */
export function bySuite(results: readonly CheckResult[]): Map<string, CheckResult[]> {
  const groups = new Map<string, CheckResult[]>();
  for (const result of results) {
    const group = groups.get(result.check.suite);
    if (group) group.push(result);
    else groups.set(result.check.suite, [result]);
  }
  return groups;
}

/** 1 when anything failed or errored: a CI gate must not pass a run it could not judge. */
export function exitCodeFor(results: readonly CheckResult[]): 0 | 1 {
  return results.some((r) => r.outcome !== 'passed') ? 1 : 0;
}
