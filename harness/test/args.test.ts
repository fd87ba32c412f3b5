import { describe, expect, it } from 'vitest';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_S, parseCommandLine, type RunCommand } from '../src/cli/args.ts';
import { UsageError } from '../src/core/usage-error.ts';

const run = (...argv: string[]) => parseCommandLine(['run', ...argv]) as RunCommand;
const base = ['--base-url', 'http://127.0.0.1:8787', '--registry-token', 't0k3n'];

function usageError(argv: string[], env: Record<string, string> = {}): string {
  try {
    parseCommandLine(argv, env);
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('reads a full run command', () => {
    const cmd = run(
      ...base,
      '--suite',
      'oidc,metadata',
      '--only',
      'C-12',
      '--only',
      'C-5,R-ACT-3',
      '--report',
      'out',
      '--concurrency',
      '8',
      '--timeout',
      '30',
      '-v',
    );
    expect(cmd).toMatchObject({
      name: 'run',
      registryToken: 't0k3n',
      suites: ['oidc', 'metadata'],
      only: ['C-12', 'C-5', 'R-ACT-3'],
      reportDir: 'out',
      concurrency: 8,
      checkTimeoutMs: 30_000,
      verbose: true,
    });
    expect(cmd.baseUrl.href).toBe('http://127.0.0.1:8787/');
  });

  it('has defaults for everything but the deployment and its token', () => {
    const cmd = run(...base);
    expect(cmd).toMatchObject({ suites: [], only: [], reportDir: undefined, concurrency: DEFAULT_CONCURRENCY, verbose: false });
    expect(cmd.checkTimeoutMs).toBe(DEFAULT_TIMEOUT_S * 1000);
  });

  it('takes the token from REGISTRY_TOKEN when the flag is absent, the flag first otherwise', () => {
    const fromEnv = parseCommandLine(['run', '--base-url', 'https://cie.example.it'], { REGISTRY_TOKEN: 'env-token' });
    expect(fromEnv).toMatchObject({ registryToken: 'env-token' });
    expect(parseCommandLine(['run', ...base], { REGISTRY_TOKEN: 'env-token' })).toMatchObject({ registryToken: 't0k3n' });
  });

  it('takes a token that starts with a dash when written with =', () => {
    expect(parseCommandLine(['run', '--base-url', 'http://127.0.0.1:8787', '--registry-token=-x_Y'])).toMatchObject({ registryToken: '-x_Y' });
    expect(usageError(['run', '--base-url', 'http://127.0.0.1:8787', '--registry-token', '-x_Y'])).toMatch(/--registry-token=-XYZ/);
  });

  it('accepts a trailing slash on the origin', () => {
    expect(run('--base-url', 'https://cie.example.it/', '--registry-token', 't').baseUrl.origin).toBe('https://cie.example.it');
  });

  it.each([
    [['run', '--registry-token', 't'], /missing --base-url/],
    [['run', '--base-url', 'http://127.0.0.1:8787'], /missing --registry-token \(or the REGISTRY_TOKEN/],
    [['run', '--base-url', 'not a url', '--registry-token', 't'], /is not a URL/],
    [['run', '--base-url', 'ftp://example.it', '--registry-token', 't'], /must be http or https, got ftp/],
    [['run', '--base-url', 'https://example.it/cie?x=1', '--registry-token', 't'], /origin, without a path or query: https:\/\/example.it/],
    [['run', '--base-url', 'https://u:p@example.it', '--registry-token', 't'], /credentials/],
    [['run', ...base, '--concurrency', '0'], /--concurrency must be a whole number from 1 to 64, got "0"/],
    [['run', ...base, '--concurrency', '2.5'], /--concurrency must be a whole number/],
    [['run', ...base, '--concurrency', '65'], /from 1 to 64/],
    [['run', ...base, '--timeout=-1'], /--timeout is a number of seconds/],
    [['run', ...base, '--timeout', 'soon'], /--timeout is a number of seconds/],
    [['run', ...base, '--timeout', '0'], /greater than 0, got "0"/],
    [['run', ...base, '--report', ''], /--report needs a directory/],
    [['run', ...base, '--sute', 'oidc'], /Unknown option '--sute'/],
    [['run', ...base, 'extra'], /Unexpected argument 'extra'/],
    [['list', '--base-url', 'x'], /Unknown option '--base-url'/],
    [['deploy'], /unknown command "deploy"/],
    [[], /missing command/],
  ])('refuses %j', (argv, message) => {
    expect(usageError(argv)).toMatch(message);
  });

  it('reads list with its filters, and help in every spelling', () => {
    expect(parseCommandLine(['list', '--suite', 'oidc', '--only', 'C-1'])).toEqual({ name: 'list', suites: ['oidc'], only: ['C-1'] });
    for (const argv of [['--help'], ['-h'], ['help'], ['run', '--help'], ['list', '-h']]) {
      expect(parseCommandLine(argv)).toEqual({ name: 'help' });
    }
  });
});
