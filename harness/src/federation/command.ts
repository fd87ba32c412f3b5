import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { UsageError } from '../core/usage-error.ts';
import type { Output } from '../runner/style.ts';
import { mountDemoRelyingParty } from './demo-rp.ts';
import { TrustAnchor, deploymentConfig, loadOrCreateKey } from './trust-anchor.ts';

export const DEFAULT_TA_LISTEN = '127.0.0.1:8788';
export const DEFAULT_TA_KEYS = 'trust-anchor.jwks.json';

export interface TrustAnchorCommand {
  name: 'trust-anchor';
  host: string;
  port: number;
  /** Absent: http://HOST:PORT once bound (PORT 0 picks a free one). */
  entityId?: string;
  keysFile: string;
  onboard: string[];
  /** The OP the demo relying party (`/e/demo`) logs people in at. */
  demoRp?: URL;
  /** Print the deployment's configuration (`NAME=value` lines, or JSON) and exit. */
  printConfig: false | 'env' | 'json';
  adminToken?: string;
}

const OPTIONS = {
  listen: { type: 'string' },
  'entity-id': { type: 'string' },
  keys: { type: 'string' },
  onboard: { type: 'string', multiple: true },
  'demo-rp': { type: 'string' },
  'print-config': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const TRUST_ANCHOR_HELP = `cie-harness trust-anchor — the development Trust Anchor suite federation needs

Usage:
  cie-harness trust-anchor [--listen HOST:PORT] [--entity-id URL] [--keys FILE] [--onboard URL]
  cie-harness trust-anchor --print-config [--json] [--listen HOST:PORT | --entity-id URL] [--keys FILE]

  --listen HOST:PORT   where it answers (default ${DEFAULT_TA_LISTEN})
  --entity-id URL      its entity id, when reached under another name (default http://HOST:PORT)
  --keys FILE          its federation key, a private JWKS; made there the first time (default ${DEFAULT_TA_KEYS})
  --onboard URL        an entity listed as its subordinate, keys read from its entity configuration (repeatable)
  --demo-rp OP_URL     host the demo relying party at /e/demo/: "Entra con CIE" at the OP OP_URL, by federation
  --print-config       print FEDERATION_TRUST_ANCHORS, FEDERATION_AUTHORITY_HINTS and
                       FEDERATION_REQUIRED_TRUST_MARKS for the deployment, and exit (--json: as one object)

The admin API token is FEDERATION_TA_TOKEN (at least 16 characters), or a fresh one printed at start;
give the same to cie-harness run --federation-ta URL.
`;

function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message.replace(/\. To specify a positional argument.*$/s, '') : String(err));
  }
}

export function parseTrustAnchorCommand(argv: readonly string[], env: Record<string, string | undefined>): TrustAnchorCommand | { name: 'help'; text: string } {
  const { values } = parse(argv);
  if (values.help) return { name: 'help', text: TRUST_ANCHOR_HELP };
  const listen = values.listen ?? DEFAULT_TA_LISTEN;
  const m = /^([\w.-]+|\[[\d:a-f]+\]):(\d{1,5})$/i.exec(listen);
  const port = Number(m?.[2]);
  if (!m || port > 65535) throw new UsageError(`--listen is HOST:PORT, e.g. ${DEFAULT_TA_LISTEN}; got ${JSON.stringify(listen)}`);
  const host = m[1] as string;
  const given = values['entity-id'];
  if (given === undefined) {
    if (values['print-config'] && port === 0) throw new UsageError('--print-config needs a fixed port in --listen, or --entity-id');
    return command(values, host, port, undefined, env);
  }
  const entityId = given.replace(/\/$/, '');
  let parsed: URL;
  try {
    parsed = new URL(entityId);
  } catch {
    throw new UsageError(`--entity-id ${JSON.stringify(entityId)} is not a URL`);
  }
  if ((parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.search || parsed.hash || parsed.username) {
    throw new UsageError('--entity-id is an http(s) URL without query, fragment or credentials');
  }
  return command(values, host, port, entityId, env);
}

function command(
  values: ReturnType<typeof parse>['values'],
  host: string,
  port: number,
  entityId: string | undefined,
  env: Record<string, string | undefined>,
): TrustAnchorCommand {
  for (const url of values.onboard ?? []) {
    if (!/^https?:\/\/\S+$/.test(url)) throw new UsageError(`--onboard takes an entity id (an http(s) URL), got ${JSON.stringify(url)}`);
  }
  let demoRp: URL | undefined;
  if (values['demo-rp'] !== undefined) {
    try {
      demoRp = new URL(values['demo-rp']);
    } catch {
      throw new UsageError(`--demo-rp takes the OP's origin, e.g. http://127.0.0.1:8787; got ${JSON.stringify(values['demo-rp'])}`);
    }
  }
  const token = env.FEDERATION_TA_TOKEN;
  if (token !== undefined && token.length < 16) throw new UsageError('FEDERATION_TA_TOKEN must be at least 16 characters');
  return {
    name: 'trust-anchor',
    host,
    port,
    ...(entityId ? { entityId } : {}),
    keysFile: values.keys ?? DEFAULT_TA_KEYS,
    onboard: values.onboard ?? [],
    ...(demoRp ? { demoRp } : {}),
    printConfig: values['print-config'] ? (values.json ? 'json' : 'env') : false,
    ...(token ? { adminToken: token } : {}),
  };
}

/**
 * Runs the command: prints the configuration, or serves until `stop` resolves (the CLI passes a
 * promise of SIGINT/SIGTERM). Returns the exit code.
 */
export async function runTrustAnchorCommand(command: TrustAnchorCommand, io: { stdout: Output }, stop: Promise<unknown>): Promise<number> {
  const key = await loadOrCreateKey(command.keysFile);
  const config = deploymentConfig(command.entityId ?? `http://${command.host}:${command.port}`, key);
  if (command.printConfig === 'json') {
    io.stdout.write(`${JSON.stringify(config)}\n`);
    return 0;
  }
  if (command.printConfig === 'env') {
    io.stdout.write(
      `${Object.entries(config)
        .map(([name, value]) => `${name}=${value}`)
        .join('\n')}\n`,
    );
    return 0;
  }
  const adminToken = command.adminToken ?? randomBytes(24).toString('base64url');
  const ta = await TrustAnchor.start({
    key,
    adminToken,
    host: command.host,
    port: command.port,
    ...(command.entityId ? { entityId: command.entityId } : {}),
    onboard: command.onboard,
  });
  const demo = command.demoRp ? mountDemoRelyingParty(ta, command.demoRp) : null;
  io.stdout.write(
    [
      `Trust Anchor di sviluppo ${ta.entityId} (listening on ${ta.url})`,
      `  entity configuration  ${ta.entityId}/.well-known/openid-federation`,
      `  trust mark            ${ta.trustMarkId}`,
      `  key                   ${key.kid} from ${command.keysFile}`,
      command.adminToken
        ? '  admin token           from FEDERATION_TA_TOKEN'
        : `  admin token           ${adminToken} (FEDERATION_TA_TOKEN not set: a fresh one)`,
      ...command.onboard.map((id) => `  subordinate           ${id}`),
      ...(demo ? [`  demo relying party    ${demo}/ ("Entra con CIE" at ${command.demoRp?.origin})`] : []),
      '',
    ].join('\n'),
  );
  await stop;
  await ta.close();
  return 0;
}
