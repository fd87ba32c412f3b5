import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli.ts';
import type { Check } from '../src/core/check.ts';
import { erroring, failing, passing } from './support/checks.ts';
import { bufferOutput } from './support/output.ts';

const RUN = ['run', '--base-url', 'http://127.0.0.1:9', '--registry-token', 'token'];
const ESC = '\x1b[';

async function cli(argv: string[], checks: Check[], { tty = false, env = {} as Record<string, string> } = {}) {
  const stdout = bufferOutput(tty);
  const stderr = bufferOutput(false);
  const code = await main(argv, { stdout, stderr, env, loadChecks: async () => checks });
  return { code, out: stdout.text(), err: stderr.text() };
}

const suiteOf = (suite: string) => ({ suite });
const mixed = () => [
  passing('C-1', suiteOf('metadata')),
  passing('C-2', suiteOf('metadata')),
  failing('C-23', 'expected status 405, but http://x/token answered 200', suiteOf('oidc')),
  erroring('C-24', suiteOf('oidc')),
];

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});

describe('cie-harness run', () => {
  it('exits 0 and ends with the plain summary line when every check passes', async () => {
    const { code, out } = await cli(RUN, [passing('C-1', suiteOf('metadata'))]);
    expect(code).toBe(0);
    expect(out.trimEnd().split('\n').at(-1)).toBe('harness: 1 passed, 0 failed');
  });

  it('exits 1 with a line per check, a table by suite, and errors counted as failed at the end', async () => {
    const { code, out } = await cli(RUN, mixed());
    expect(code).toBe(1);
    expect(out).toContain('✓ C-1 fake check C-1');
    expect(out).toContain('✗ C-23 fake check C-23');
    expect(out).toContain('    expected status 405, but http://x/token answered 200');
    expect(out).toMatch(/! C-24 fake check C-24 error/);
    expect(out).toContain('    TypeError: cannot read properties of undefined');
    expect(out).not.toMatch(/at .*runner.test|support\/checks/);
    expect(out).toMatch(/suite\s+passed\s+failed\s+errors\s+total/);
    expect(out).toMatch(/metadata\s+2\s+0\s+0\s+2/);
    expect(out).toMatch(/oidc\s+0\s+1\s+1\s+2/);
    expect(out).toMatch(/all\s+2\s+1\s+1\s+4/);
    expect(out.trimEnd().split('\n').at(-1)).toBe('harness: 2 passed, 2 failed');
  });

  it('shows the stack of an error with --verbose', async () => {
    const { out } = await cli([...RUN, '--verbose'], [erroring('C-24')]);
    expect(out).toMatch(/TypeError: cannot read properties of undefined\n\s+at /);
  });

  it('runs only the suites and checks asked for', async () => {
    const { out } = await cli([...RUN, '--suite', 'oidc', '--only', 'C-23'], mixed());
    expect(out).toContain('1 check against http://127.0.0.1:9');
    expect(out).toContain('harness: 0 passed, 1 failed');
    expect(out).not.toContain('C-1 ');
  });

  it('exits 2 with a clear message for usage errors, printing nothing to stdout', async () => {
    for (const [argv, message] of [
      [['run', '--registry-token', 't'], 'cie-harness: missing --base-url'],
      [['run', '--base-url', 'http://127.0.0.1:9'], 'cie-harness: missing --registry-token'],
      [[...RUN, '--suite', 'nope'], 'cie-harness: unknown suite nope; the suites are: metadata, oidc'],
      [[...RUN, '--only', 'C-404'], 'cie-harness: no check has the id or covers C-404'],
    ] as const) {
      const { code, out, err } = await cli([...argv], mixed());
      expect(code, argv.join(' ')).toBe(2);
      expect(err).toContain(message);
      expect(err).toContain('Try: cie-harness --help');
      expect(out).toBe('');
    }
  });

  it('exits 2 when there is nothing to run: an empty run must not look green', async () => {
    const { code, err } = await cli(RUN, []);
    expect(code).toBe(2);
    expect(err).toContain('there are no checks to run');
  });

  it('paints and draws a progress bar on a terminal only, and never with NO_COLOR', async () => {
    const log = await cli(RUN, mixed());
    expect(log.out).not.toContain(ESC);
    expect(log.out).not.toContain('█');

    const tty = await cli(RUN, mixed(), { tty: true });
    expect(tty.out).toContain(`${ESC}32m✓`);
    expect(tty.out).toMatch(/[█░]{24} 4\/4/);
    expect(tty.out.trimEnd().split('\n').at(-1)).toBe('harness: 2 passed, 2 failed');

    const zeroColumns = bufferOutput(true, 0);
    await main(RUN, { stdout: zeroColumns, stderr: bufferOutput(), env: {}, loadChecks: async () => mixed() });
    expect(zeroColumns.text()).toMatch(/[█░]{24} 4\/4/);

    const noColor = await cli(RUN, mixed(), { tty: true, env: { NO_COLOR: '1' } });
    expect(noColor.out).not.toContain(`${ESC}32m`);
    expect(noColor.out).toContain('█');
  });

  it('writes the JUnit and HTML reports with --report and says where', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'harness-report-'));
    dirs.push(dir);
    const target = join(dir, 'nested');
    const { out } = await cli([...RUN, '--report', target], mixed());
    expect(out).toContain(`reports: ${join(target, 'junit.xml')}, ${join(target, 'report.html')}`);
    expect(await readFile(join(target, 'junit.xml'), 'utf8')).toContain('<testcase classname="oidc" name="C-23 fake check C-23"');
    expect(await readFile(join(target, 'report.html'), 'utf8')).toContain('C-23');
  });
});

describe('cie-harness list and help', () => {
  it('lists every check with its suite, what it covers and its title', async () => {
    const checks = [
      passing('C-1', { suite: 'metadata', covers: ['C-1'], title: 'entity configuration' }),
      passing('act-1', { suite: 'activation', covers: ['R-ACT-1', 'R-OTP-2'], title: 'four steps' }),
    ];
    const { code, out } = await cli(['list'], checks);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id\s+suite\s+covers\s+title$/);
    expect(lines[1]).toMatch(/^C-1\s+metadata\s+C-1\s+entity configuration$/);
    expect(lines[2]).toMatch(/^act-1\s+activation\s+R-ACT-1,R-OTP-2\s+four steps$/);
    expect(lines.at(-1)).toBe('2 checks');
    expect((await cli(['list', '--suite', 'activation'], checks)).out).not.toContain('C-1 ');
  });

  it('prints help on stdout and exits 0', async () => {
    const { code, out } = await cli(['--help'], []);
    expect(code).toBe(0);
    expect(out).toContain('cie-harness run --base-url URL --registry-token TOKEN');
    expect(out).toContain('Exit codes: 0');
  });
});
