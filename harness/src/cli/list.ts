import type { Check } from '../core/check.ts';
import { countChecks } from '../runner/count-checks.ts';

/** One line per check: id, suite, what it covers, its title — aligned, so the list reads as a table. */
export function listLines(checks: readonly Check[]): string[] {
  const rows = checks.map((c) => [c.id, c.suite, c.covers.join(',') || '-', c.title]);
  const header = ['id', 'suite', 'covers', 'title'];
  const widths = [0, 1, 2].map((col) => Math.max(header[col]!.length, ...rows.map((r) => r[col]!.length)));
  const format = (row: string[]) =>
    row
      .map((cell, col) => (col < 3 ? cell.padEnd(widths[col]!) : cell))
      .join('  ')
      .trimEnd();
  return [format(header), ...rows.map(format), '', countChecks(checks.length)];
}
