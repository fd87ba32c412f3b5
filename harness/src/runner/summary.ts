import { countChecks } from './count-checks.ts';
import { formatDuration } from './format-duration.ts';
import { bySuite, tally, type RunReport } from './result.ts';
import type { Style } from './style.ts';

/**
 * The end of a run: a table by suite, the checks that did not pass (their lines scrolled by among the
 * others when checks ran concurrently), and one plain line CI log readers can grep.
 */
export function summaryLines(report: RunReport, style: Style): string[] {
  const rows: string[][] = [['suite', 'passed', 'failed', 'errors', 'total']];
  for (const [suite, results] of bySuite(report.results)) {
    const t = tally(results);
    rows.push([suite, String(t.passed), String(t.failed), String(t.errors), String(t.total)]);
  }
  const all = tally(report.results);
  rows.push(['all', String(all.passed), String(all.failed), String(all.errors), String(all.total)]);

  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const format = (row: string[]) => row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  ');
  const rule = '─'.repeat(widths.reduce((sum, w) => sum + w, 0) + 2 * (widths.length - 1));
  const table = [style.bold(format(rows[0]!)), ...rows.slice(1, -1).map(format), rule, style.bold(format(rows.at(-1)!))];

  const lines = ['', ...table];
  const bad = report.results.filter((r) => r.outcome !== 'passed');
  if (bad.length > 0) {
    lines.push('', style.bold('Not passed:'));
    for (const r of bad) {
      const first = r.message?.split('\n')[0] ?? '';
      const mark = r.outcome === 'failed' ? style.red('✗') : style.yellow('! error');
      lines.push(`  ${mark} ${r.check.id} (${r.check.suite}) ${first}`);
    }
  }
  lines.push('', style.dim(`${countChecks(all.total)} in ${formatDuration(report.durationMs)}, concurrency ${report.concurrency}, against ${report.baseUrl}`));
  return lines;
}

/** Exactly `harness: N passed, M failed` — errors count as failed here, so the line never hides one. */
export function finalLine(report: RunReport): string {
  const t = tally(report.results);
  return `harness: ${t.passed} passed, ${t.failed + t.errors} failed`;
}
