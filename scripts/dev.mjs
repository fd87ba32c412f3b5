// `npm start`: the service on 127.0.0.1 with its embedded development defaults.
// - secrets (PEPPER, DATA_KEY) generated once into .dev.vars and kept, so data survives restarts;
//   with STATE_DIR they live in that directory instead, beside the data they seal, and the
//   repository is left untouched (the end-to-end tests rely on that);
// - REGISTRY_TOKEN and PORT from the environment, or a fresh token printed below;
// - Durable-Object directory, outbox notifier, captcha off, test hooks on (wrangler.toml [vars]);
//   `--directory upstash` puts the directory on a local redis-server instead, behind the Upstash-REST
//   bridge (scripts/lib/upstash-bridge.mjs), its data beside the Durable Objects' so both survive restarts;
// - `--trust-anchor` starts the harness's development Trust Anchor on 127.0.0.1 (TRUST_ANCHOR_PORT, else
//   PORT + 1), onboards this server as its subordinate, and gives the Worker FEDERATION_TRUST_ANCHORS,
//   FEDERATION_AUTHORITY_HINTS and FEDERATION_REQUIRED_TRUST_MARKS for it (scripts/lib/trust-anchor.mjs).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { devSecrets } from './dev-secrets.mjs';
import { spawnTrustAnchor, trustAnchorSetup, waitForTrustAnchor } from './lib/trust-anchor.mjs';
import { startUpstashStack } from './lib/upstash-bridge.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, 'node_modules', '.bin');
const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`PORT must be a TCP port number, not ${process.env.PORT}`);
  process.exit(2);
}
const registryToken = process.env.REGISTRY_TOKEN || randomBytes(24).toString('base64url');
const stateDir = process.env.STATE_DIR ? resolve(process.env.STATE_DIR) : null;
const persistTo = stateDir ?? join(root, '.wrangler', 'state');
if (stateDir) mkdirSync(stateDir, { recursive: true });
// `--trust-anchor`: the harness's development Trust Anchor beside the Worker, which trusts it and names
// it in authority_hints; without it, FEDERATION_* from the environment reach the Worker as they are.
const FEDERATION_VARS = ['FEDERATION_TRUST_ANCHORS', 'FEDERATION_AUTHORITY_HINTS', 'FEDERATION_REQUIRED_TRUST_MARKS', 'FEDERATION_TRUST_MARKS'];
const trustAnchor = process.argv.includes('--trust-anchor') ? trustAnchorSetup(port, stateDir ?? join(root, '.wrangler')) : null;
const federationVars = Object.fromEntries(FEDERATION_VARS.filter((name) => process.env[name]).map((name) => [name, process.env[name]]));
const devVars = devSecrets(stateDir ?? root, { REGISTRY_TOKEN: registryToken, ...federationVars, ...trustAnchor?.vars });

// `--directory <adapter>` (or `--directory=<adapter>`) is ours; every other argument goes to wrangler.
const wranglerArgs = process.argv.slice(2).filter((a) => a !== '--trust-anchor');
let directory = 'durable-objects';
const flag = wranglerArgs.findIndex((a) => a === '--directory' || a.startsWith('--directory='));
if (flag >= 0) {
  const inline = wranglerArgs[flag].startsWith('--directory=');
  directory = inline ? wranglerArgs[flag].slice('--directory='.length) : (wranglerArgs[flag + 1] ?? '');
  wranglerArgs.splice(flag, inline ? 1 : 2);
}
if (!['durable-objects', 'upstash'].includes(directory)) {
  console.error(`--directory must be durable-objects or upstash, not ${JSON.stringify(directory)}`);
  process.exit(2);
}
let upstash = null;
if (directory === 'upstash') {
  try {
    upstash = await startUpstashStack({ dataDir: join(persistTo, 'redis') });
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
  wranglerArgs.push(
    '--var',
    'DIRECTORY_ADAPTER:upstash',
    '--var',
    `UPSTASH_REDIS_REST_URL:${upstash.url}`,
    '--var',
    `UPSTASH_REDIS_REST_TOKEN:${upstash.token}`,
  );
}

const base = `http://127.0.0.1:${port}`;
const taLine = trustAnchor
  ? `  Trust Anchor federazione  ${trustAnchor.url}   (admin: FEDERATION_TA_TOKEN=${trustAnchor.adminToken}; cie-harness run --federation-ta ${trustAnchor.url})
  Servizio federato (RP)    ${trustAnchor.url}/e/demo/   ("Entra con CIE" per sola federazione)\n`
  : '';
console.log(`
CieID edge — development server
  Attivazione credenziali   ${base}/attivazione
  Servizio di prova (RP)    ${base}/demo        ("Entra con CIE" dal Comune di Esempio)
  Area personale            ${base}/area-personale
  Registry API              ${base}/registry/cards   (Authorization: Bearer ${registryToken})
  Outbox (SMS/email)        ${base}/__test/outbox?to=<cellulare o email>
  Health                    ${base}/health
  Directory                 ${upstash ? `Upstash REST ${upstash.url} → redis-server 127.0.0.1:${upstash.redis.port}` : 'Durable Object shards'}
${taLine}${process.env.REGISTRY_TOKEN ? '' : '  (REGISTRY_TOKEN not set: a fresh one was generated for this run)\n'}`);

let taChild = null;
if (trustAnchor) {
  taChild = spawnTrustAnchor({ port: trustAnchor.port, keysFile: trustAnchor.keysFile, adminToken: trustAnchor.adminToken, onboard: [base], demoRp: base });
  taChild.stdout.pipe(process.stdout);
  taChild.stderr.pipe(process.stderr);
  try {
    await waitForTrustAnchor(trustAnchor.url, taChild);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    await upstash?.close();
    process.exit(1);
  }
}

const wrangler = spawn(
  join(binDir, 'wrangler'),
  [
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--env-file',
    devVars,
    '--persist-to',
    persistTo,
    '--show-interactive-dev-session=false',
    ...wranglerArgs,
  ],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      // wrangler's `#!/usr/bin/env node` must find the project's Node 22 even when this script was
      // started with an older system node (`node scripts/dev.mjs` outside npm).
      PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}`,
      WRANGLER_SEND_METRICS: 'false',
      // Request.cf is a placeholder locally anyway; fetching the real one needs the Internet and
      // only prints a stack trace where there is none (CI, offline laptops).
      CLOUDFLARE_CF_FETCH_ENABLED: process.env.CLOUDFLARE_CF_FETCH_ENABLED ?? 'false',
    },
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => wrangler.kill(signal));
wrangler.on('exit', async (code, signal) => {
  await upstash?.close();
  if (taChild?.pid !== undefined) {
    try {
      process.kill(-taChild.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  process.exit(code ?? (signal ? 1 : 0));
});
