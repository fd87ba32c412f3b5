// `npm start`: the service on 127.0.0.1 with its embedded development defaults.
// - secrets (PEPPER, DATA_KEY) generated once into .dev.vars and kept, so data survives restarts;
// - REGISTRY_TOKEN and PORT from the environment, or a fresh token printed below;
// - Durable-Object directory, outbox notifier, captcha off, test hooks on (wrangler.toml [vars]).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { devSecrets } from './dev-secrets.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error(`PORT must be a TCP port number, not ${process.env.PORT}`);
  process.exit(2);
}
const registryToken = process.env.REGISTRY_TOKEN || randomBytes(24).toString('base64url');
const persistTo = process.env.STATE_DIR || join(root, '.wrangler', 'state');
const devVars = devSecrets(root, { REGISTRY_TOKEN: registryToken });

const base = `http://127.0.0.1:${port}`;
console.log(`
CieID edge — development server
  Attivazione credenziali   ${base}/attivazione
  Registry API              ${base}/registry/cards   (Authorization: Bearer ${registryToken})
  Outbox (SMS/email)        ${base}/__test/outbox?to=<cellulare o email>
  Health                    ${base}/health
${process.env.REGISTRY_TOKEN ? '' : '  (REGISTRY_TOKEN not set: a fresh one was generated for this run)\n'}`);

const wrangler = spawn(
  join(root, 'node_modules', '.bin', 'wrangler'),
  ['dev', '--ip', '127.0.0.1', '--port', String(port), '--env-file', devVars, '--persist-to', persistTo,
    '--show-interactive-dev-session=false', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => wrangler.kill(signal));
wrangler.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
