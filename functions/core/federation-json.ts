/**
 * JSON as it arrives from another federation entity: the shapes the federation's core rules test for,
 * and a bound on nesting, because what a statement carries is re-serialised (policy comparison, our
 * resolve responses) by recursive code that a deeply nested member would exhaust.
 */

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Nesting deeper than this in a statement is refused: the profile's metadata is a few levels deep. */
export const MAX_JSON_DEPTH = 32;

/** Whether `value` nests at most `max` arrays or objects deep (iterative: the check itself cannot overflow). */
export function withinDepth(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [item, depth] = stack.pop()!;
    if (typeof item !== 'object' || item === null) continue;
    if (depth >= max) return false;
    for (const child of Array.isArray(item) ? item : Object.values(item)) stack.push([child, depth + 1]);
  }
  return true;
}
