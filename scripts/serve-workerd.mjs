// `npm run serve:workerd`: the service on standalone workerd, the runtime a deployment runs, with the
// same environment as `npm start` (PORT, REGISTRY_TOKEN, STATE_DIR; the development secrets of
// .dev.vars; wrangler.toml's [vars]). What `wrangler dev` adds — its proxy, its entry worker, its
// request log — is not here, so this is what performance figures are taken on (docs/performance.md).
// 1. `wrangler deploy --dry-run --outdir` writes the bundle a deployment would upload;
// 2. scripts/lib/workerd-config.mjs turns wrangler.toml into a workerd config for it (Durable Objects
//    with SQLite on local disk, the static assets through a disk service);
// 3. workerd serves it on 127.0.0.1 until it is stopped.
//   --no-build    serve the bundle built last time (for repeated benchmark runs)
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'smol-toml';
import { devSecrets } from './dev-secrets.mjs';
import { workerdBinary } from './lib/workerd-binary.mjs';
import { workerdConfig } from './lib/workerd-config.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, 'node_modules', '.bin');
const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--no-build');
if (unknown.length) {
  console.error(`serve:workerd: unknown argument ${unknown[0]} (only --no-build)`);
  process.exit(2);
}
const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`PORT must be a TCP port number, not ${process.env.PORT}`);
  process.exit(2);
}
const registryToken = process.env.REGISTRY_TOKEN || randomBytes(24).toString('base64url');
const stateDir = process.env.STATE_DIR ? resolve(process.env.STATE_DIR) : null;
const persistTo = join(stateDir ?? join(root, '.wrangler', 'state'), 'workerd');
const work = join(root, '.tools', 'workerd');
const bundleDir = join(work, 'bundle');
mkdirSync(join(persistTo, 'do'), { recursive: true });
mkdirSync(bundleDir, { recursive: true });

const config = parse(readFileSync(join(root, 'wrangler.toml'), 'utf8'));

if (!args.includes('--no-build') || !existsSync(join(bundleDir, 'index.js'))) {
  execFileSync(join(binDir, 'wrangler'), ['deploy', '--dry-run', '--env', '', '--outdir', bundleDir], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`, WRANGLER_SEND_METRICS: 'false' },
  });
}

/** A value as wrangler's dotenv reading of .dev.vars gives it: double quotes expand \n, single quotes are literal. */
function dotenvValue(raw) {
  const v = raw.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replaceAll('\\n', '\n').replaceAll('\\r', '\r');
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  return v;
}

// The development secrets, exactly as `npm start` gives them to wrangler dev.
const envFile = devSecrets(stateDir ?? root, { REGISTRY_TOKEN: registryToken });
const secrets = Object.fromEntries(
  readFileSync(envFile, 'utf8')
    .split('\n')
    .map((line) => /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line))
    .filter(Boolean)
    .map((m) => [m[1], dotenvValue(m[2])]),
);

// workerd reads `embed` paths relative to the config file: the config sits beside what it embeds.
copyFileSync(join(root, 'scripts', 'lib', 'workerd-assets.js'), join(work, 'workerd-assets.js'));
const configFile = join(work, 'config.capnp');
writeFileSync(
  configFile,
  workerdConfig({
    config,
    bundle: 'bundle/index.js',
    assetsWorker: 'workerd-assets.js',
    assetsDir: resolve(root, config.assets?.directory ?? 'public'),
    storageDir: join(persistTo, 'do'),
    vars: { ...(config.vars ?? {}), ...secrets },
    address: `127.0.0.1:${port}`,
  }),
  { mode: 0o600 },
);

const base = `http://127.0.0.1:${port}`;
console.log(`
CieID edge on standalone workerd
  Attivazione credenziali   ${base}/attivazione
  Registry API              ${base}/registry/cards   (Authorization: Bearer ${registryToken})
  Health                    ${base}/health
${process.env.REGISTRY_TOKEN ? '' : '  (REGISTRY_TOKEN not set: a fresh one was generated for this run)\n'}`);

const workerd = spawn(workerdBinary(root), ['serve', configFile, '--experimental'], { cwd: work, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => workerd.kill(signal));
workerd.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
