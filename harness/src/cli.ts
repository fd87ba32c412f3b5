import { parseCommandLine, type RunCommand } from './cli/args.ts';
import { HELP } from './cli/help.ts';
import { parseTrustAnchorCommand, runTrustAnchorCommand } from './federation/command.ts';
import { listLines } from './cli/list.ts';
import type { Check } from './core/check.ts';
import { UsageError } from './core/usage-error.ts';
import { writeReports } from './report/write-reports.ts';
import { loadSuites } from './runner/load-suites.ts';
import { countChecks } from './runner/count-checks.ts';
import { createProgress } from './runner/progress.ts';
import { exitCodeFor } from './runner/result.ts';
import { runChecks } from './runner/run-checks.ts';
import { selectChecks } from './runner/select.ts';
import { createStyle, wantsColor, type Output } from './runner/style.ts';
import { finalLine, summaryLines } from './runner/summary.ts';

export interface CliIo {
  stdout: Output;
  stderr: Output;
  env: Record<string, string | undefined>;
  /** The suites to choose from; tests hand in their own. */
  loadChecks?: () => Promise<Check[]>;
  /** When a long-running command (trust-anchor) stops; by default SIGINT or SIGTERM. */
  stop?: Promise<unknown>;
}

/** The whole command line, returning the exit code: 0 passed, 1 failed or errored, 2 wrong usage. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const say = (out: Output, lines: string | string[]) => out.write(`${([] as string[]).concat(lines).join('\n')}\n`);
  try {
    if (argv[0] === 'trust-anchor') return await trustAnchor(argv.slice(1), io);
    const command = parseCommandLine(argv, io.env);
    if (command.name === 'help') {
      say(io.stdout, HELP.trimEnd());
      return 0;
    }
    const all = await (io.loadChecks ?? loadSuites)();
    const checks = selectChecks(all, command);
    if (command.name === 'list') {
      say(io.stdout, listLines(checks));
      return 0;
    }
    if (checks.length === 0) throw new UsageError('there are no checks to run');
    return await run(command, checks, io);
  } catch (err) {
    if (err instanceof UsageError) {
      say(io.stderr, [`cie-harness: ${err.message}`, 'Try: cie-harness --help']);
      return 2;
    }
    throw err;
  }
}

async function run(command: RunCommand, checks: Check[], io: CliIo): Promise<number> {
  const out = io.stdout;
  const style = createStyle(wantsColor(out, io.env));
  out.write(`cie-harness: ${countChecks(checks.length)} against ${command.baseUrl.origin}, concurrency ${command.concurrency}\n\n`);
  const progress = createProgress(out, { total: checks.length, style, verbose: command.verbose });
  const report = await runChecks(checks, {
    baseUrl: command.baseUrl,
    registryToken: command.registryToken,
    concurrency: command.concurrency,
    checkTimeoutMs: command.checkTimeoutMs,
    ...(command.trustAnchor ? { trustAnchor: command.trustAnchor } : {}),
    onStart: progress.started,
    onFinish: progress.finished,
  });
  progress.done();
  const lines = summaryLines(report, style);
  if (command.reportDir !== undefined) {
    const written = await writeReports(command.reportDir, report);
    lines.push(style.dim(`reports: ${written.junit}, ${written.html}`));
  }
  lines.push(finalLine(report));
  out.write(`${lines.join('\n')}\n`);
  return exitCodeFor(report.results);
}

/** `cie-harness trust-anchor`: serves the development Trust Anchor until SIGINT or SIGTERM, or prints its configuration. */
async function trustAnchor(argv: readonly string[], io: CliIo): Promise<number> {
  const command = parseTrustAnchorCommand(argv, io.env);
  if (command.name === 'help') {
    io.stdout.write(command.text);
    return 0;
  }
  const stop =
    io.stop ??
    new Promise((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, resolve);
    });
  return runTrustAnchorCommand(command, io, stop);
}
