import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../core/usage-error.ts';

export interface RunCommand {
  name: 'run';
  baseUrl: URL;
  registryToken: string;
  suites: string[];
  only: string[];
  reportDir?: string;
  concurrency: number;
  checkTimeoutMs: number;
  verbose: boolean;
  /** The development Trust Anchor the deployment trusts (suite federation). */
  trustAnchor?: { url: URL; adminToken: string };
}

export interface ListCommand {
  name: 'list';
  suites: string[];
  only: string[];
}

export interface HelpCommand {
  name: 'help';
}

export type Command = RunCommand | ListCommand | HelpCommand;

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_TIMEOUT_S = 120;
const MAX_CONCURRENCY = 64;

const RUN_OPTIONS = {
  'base-url': { type: 'string' },
  'registry-token': { type: 'string' },
  suite: { type: 'string', multiple: true },
  only: { type: 'string', multiple: true },
  report: { type: 'string' },
  concurrency: { type: 'string' },
  timeout: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  'federation-ta': { type: 'string' },
  'federation-ta-token': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const LIST_OPTIONS = {
  suite: { type: 'string', multiple: true },
  only: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `env` stands in for flags a CI job would rather not put on a command line (the token). */
export function parseCommandLine(argv: readonly string[], env: Record<string, string | undefined> = {}): Command {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError('missing command: run, list or help');
  if (command === 'help' || command === '--help' || command === '-h') return { name: 'help' };
  if (command === 'run') return parseRun(rest, env);
  if (command === 'list') return parseList(rest);
  throw new UsageError(`unknown command ${JSON.stringify(command)}: run, list or help`);
}

function parseRun(argv: string[], env: Record<string, string | undefined>): RunCommand | HelpCommand {
  const { values } = parse(argv, RUN_OPTIONS);
  if (values.help) return { name: 'help' };
  const baseUrl = parseBaseUrl(values['base-url']);
  const token = values['registry-token'] ?? env.REGISTRY_TOKEN;
  if (!token) throw new UsageError('missing --registry-token (or the REGISTRY_TOKEN environment variable)');
  return {
    name: 'run',
    baseUrl,
    registryToken: token,
    suites: splitList(values.suite),
    only: splitList(values.only),
    reportDir: values.report === undefined ? undefined : nonEmpty(values.report, '--report'),
    concurrency: parseConcurrency(values.concurrency),
    checkTimeoutMs: parseTimeout(values.timeout) * 1000,
    verbose: values.verbose ?? false,
    ...parseTrustAnchor(values['federation-ta'], values['federation-ta-token'] ?? env.FEDERATION_TA_TOKEN),
  };
}

/** `--federation-ta URL`: where the development Trust Anchor's admin API answers, with its token. */
function parseTrustAnchor(value: string | undefined, token: string | undefined): { trustAnchor?: { url: URL; adminToken: string } } {
  if (value === undefined) return {};
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--federation-ta ${JSON.stringify(value)} is not a URL; e.g. http://127.0.0.1:8788`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('--federation-ta must be http or https');
  if (!token) throw new UsageError('--federation-ta needs the admin token: --federation-ta-token or FEDERATION_TA_TOKEN');
  return { trustAnchor: { url: new URL(url.origin), adminToken: token } };
}

function parseList(argv: string[]): ListCommand | HelpCommand {
  const { values } = parse(argv, LIST_OPTIONS);
  if (values.help) return { name: 'help' };
  return { name: 'list', suites: splitList(values.suite), only: splitList(values.only) };
}

function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (err) {
    // parseArgs explains well ("Unknown option '--sute'") but ends with advice meant for scripts.
    const message = err instanceof Error ? err.message.replace(/\. To specify a positional argument.*$/s, '') : String(err);
    throw new UsageError(message);
  }
}

/** `--suite a,b --suite c` and `--suite a --suite b,c` mean the same. */
export function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

/** The deployment's origin: checks build every URL from it, so a path or query would be silently lost. */
export function parseBaseUrl(value: string | undefined): URL {
  if (!value) throw new UsageError('missing --base-url, e.g. --base-url http://127.0.0.1:8787');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--base-url ${JSON.stringify(value)} is not a URL; e.g. https://cieid.example.it`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--base-url must be http or https, got ${url.protocol.replace(/:$/, '')}`);
  }
  if (url.username || url.password) throw new UsageError('--base-url must not carry credentials');
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new UsageError(`--base-url is the deployment's origin, without a path or query: ${url.origin}, not ${value}`);
  }
  return new URL(url.origin);
}

function parseConcurrency(value: string | undefined): number {
  if (value === undefined) return DEFAULT_CONCURRENCY;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_CONCURRENCY) {
    throw new UsageError(`--concurrency must be a whole number from 1 to ${MAX_CONCURRENCY}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function parseTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_TIMEOUT_S;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--timeout is a number of seconds per check, greater than 0, got ${JSON.stringify(value)}`);
  }
  return n;
}

function nonEmpty(value: string, flag: string): string {
  if (value.trim() === '') throw new UsageError(`${flag} needs a directory`);
  return value;
}
