import type { Check } from '../core/check.ts';
import type { Exchange } from '../core/http.ts';
import { formatDuration } from './format-duration.ts';
import type { CheckResult } from './result.ts';
import type { Output, Style } from './style.ts';

export interface ProgressOptions {
  total: number;
  style: Style;
  verbose: boolean;
}

export interface Progress {
  started(check: Check): void;
  finished(result: CheckResult): void;
  /** Takes the bar off the screen before the summary is printed. */
  done(): void;
}

const CLEAR_LINE = '\r\x1b[2K';
const BAR_WIDTH = 24;

/**
 * One line per finished check, as it finishes. On a terminal a bar line sits below them and is
 * redrawn after each; in a CI log (no TTY) there is no bar, only the lines.
 */
export function createProgress(out: Output, options: ProgressOptions): Progress {
  const { style, total, verbose } = options;
  const running = new Set<string>();
  let finished = 0;
  let failed = 0;
  const started = performance.now();

  const bar = () => {
    const filled = total === 0 ? BAR_WIDTH : Math.round((finished / total) * BAR_WIDTH);
    const meter = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
    const failures = failed > 0 ? style.red(` ${failed} failed`) : '';
    const elapsed = formatDuration(performance.now() - started);
    const now = running.size > 0 ? `  running ${[...running].join(' ')}` : '';
    const line = `${meter} ${finished}/${total}${failures}  ${elapsed}${now}`;
    // The bar must stay on one line, or the next redraw leaves its tail behind.
    // Some terminals (script, CI pseudo-terminals) report 0 columns: assume a common width then.
    const width = (out.columns && out.columns >= 20 ? out.columns : 80) - 1;
    return visibleLength(line) > width ? truncateVisible(line, width) : line;
  };
  const redraw = () => {
    if (out.isTTY) out.write(`${CLEAR_LINE}${bar()}`);
  };

  return {
    started(check) {
      running.add(check.id);
      redraw();
    },
    finished(result) {
      running.delete(result.check.id);
      finished += 1;
      if (result.outcome !== 'passed') failed += 1;
      if (out.isTTY) out.write(CLEAR_LINE);
      out.write(`${resultLines(result, style, verbose).join('\n')}\n`);
      redraw();
    },
    done() {
      if (out.isTTY) out.write(CLEAR_LINE);
    },
  };
}

export function resultLines(result: CheckResult, style: Style, verbose: boolean): string[] {
  const { check, outcome } = result;
  const mark = outcome === 'passed' ? style.green('✓') : outcome === 'failed' ? style.red('✗') : style.yellow('!');
  const label = outcome === 'error' ? ` ${style.yellow('error')}` : '';
  const lines = [`${mark} ${style.bold(check.id)} ${check.title}${label} ${style.dim(`(${formatDuration(result.durationMs)})`)}`];
  if (outcome === 'passed' && !verbose) return lines;
  const indent = (text: string) => `    ${text}`;
  if (result.message) lines.push(...result.message.split('\n').map((l) => indent(outcome === 'passed' ? l : style.red(l))));
  lines.push(...result.logs.map((l) => indent(style.dim(l))));
  if (outcome !== 'passed') {
    // The last request is usually the one that broke the rule; --verbose shows the whole way there.
    const shown = verbose ? result.exchanges : result.exchanges.slice(-1);
    const heading = verbose ? 'exchanges:' : 'last exchange:';
    if (shown.length > 0) lines.push(indent(style.dim(heading)), ...shown.map((e) => indent(style.dim(`  ${exchangeLine(e)}`))));
  }
  if (verbose && result.stack) lines.push(...result.stack.split('\n').map((l) => indent(style.dim(l))));
  return lines;
}

export function exchangeLine(e: Exchange): string {
  const answer = e.error ? `no answer: ${e.error}` : String(e.status);
  return `${e.method} ${e.url} → ${answer} (${formatDuration(e.durationMs)})`;
}

// ANSI escapes take no room on screen; cutting must count only what is seen.
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC
const ANSI = /\x1b\[[0-9;]*m/g;

function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

function truncateVisible(text: string, width: number): string {
  let seen = 0;
  let outText = '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC
  for (const part of text.split(/(\x1b\[[0-9;]*m)/)) {
    if (part.startsWith('\x1b[')) {
      outText += part;
      continue;
    }
    const room = width - seen;
    if (room <= 0) continue;
    outText += part.slice(0, room);
    seen += Math.min(part.length, room);
  }
  return `${outText}\x1b[0m`;
}
