import type { Check } from '../core/check.ts';

export type Suites = Record<string, Check[]>;

/**
 * Every check of every suite, after making sure the ids are unique and each check sits in its suite.
 * Loaded on demand so that `--help` and usage errors answer even when a suite module is broken.
 */
export async function loadSuites(): Promise<Check[]> {
  const { suites } = await import('../suites/index.ts');
  return flattenSuites(suites);
}

export function flattenSuites(suites: unknown): Check[] {
  if (typeof suites !== 'object' || suites === null) {
    throw new Error('harness/src/suites/index.ts must export `suites`, a record of suite name → checks');
  }
  const checks: Check[] = [];
  const ids = new Map<string, string>();
  for (const [name, list] of Object.entries(suites)) {
    if (!Array.isArray(list)) throw new Error(`suite ${name} is not a list of checks`);
    for (const check of list as Check[]) {
      if (typeof check?.id !== 'string' || typeof check.run !== 'function') {
        throw new Error(`suite ${name} holds something that is not a check (defineCheck)`);
      }
      if (check.suite !== name) throw new Error(`check ${check.id} says suite ${check.suite} but is listed in ${name}`);
      const other = ids.get(check.id);
      if (other) throw new Error(`check id ${check.id} is used twice (suites ${other} and ${name})`);
      ids.set(check.id, name);
      checks.push(check);
    }
  }
  return checks;
}
