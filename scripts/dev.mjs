// `npm start`: the service on 127.0.0.1 with its embedded development defaults.
// - secrets (PEPPER, DATA_KEY) generated once into .dev.vars and kept, so data survives restarts;
//   with STATE_DIR they live in that directory instead, beside the data they seal, and the
//   repository is left untouched (the end-to-end tests rely on that);
// - REGISTRY_TOKEN and PORT from the environment, or a fresh token printed below;
// - Durable-Object directory, outbox notifier, captcha off, test hooks on (wrangler.toml [vars]).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { devSecrets } from './dev-secrets.mjs';

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
const devVars = devSecrets(stateDir ?? root, { REGISTRY_TOKEN: registryToken });

const base = `http://127.0.0.1:${port}`;
console.log(`
CieID edge — development server
  Attivazione credenziali   ${base}/attivazione
  Servizio di prova (RP)    ${base}/demo        ("Entra con CIE" dal Comune di Esempio)
  Registry API              ${base}/registry/cards   (Authorization: Bearer ${registryToken})
  Outbox (SMS/email)        ${base}/__test/outbox?to=<cellulare o email>
  Health                    ${base}/health
${process.env.REGISTRY_TOKEN ? '' : '  (REGISTRY_TOKEN not set: a fresh one was generated for this run)\n'}`);

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
    ...process.argv.slice(2),
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
wrangler.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
