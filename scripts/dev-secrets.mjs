import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateDemoRpKeys } from './demo-rp-keys.mjs';
import { generateOidcKeys } from './oidc-keys.mjs';

/**
 * Development secrets: PEPPER and DATA_KEY are generated once into .dev.vars and kept (what was
 * sealed with them stays readable across restarts); per-run values are written to .dev.vars.run.
 * `dir` is the repository root, or the STATE_DIR when one is given.
 * Returns the path of the env file to give wrangler.
 */
export function devSecrets(dir, perRun) {
  const persistent = join(dir, '.dev.vars');
  const values = new Map();
  if (existsSync(persistent)) {
    for (const line of readFileSync(persistent, 'utf8').split('\n')) {
      const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
      if (m) values.set(m[1], m[2]);
    }
  }
  let changed = false;
  for (const key of ['PEPPER', 'DATA_KEY']) {
    if (!values.get(key)) {
      values.set(key, randomBytes(32).toString('base64url'));
      changed = true;
    }
  }
  // The OpenID Provider's signing keys: kept like the others, so RPs' cached JWKS stay valid.
  if (!values.get('OIDC_KEYS')) {
    values.set('OIDC_KEYS', generateOidcKeys());
    changed = true;
  }
  // The /demo relying party's keys: kept too, since the demo registers its public half once.
  if (!values.get('DEMO_RP_KEYS')) {
    values.set('DEMO_RP_KEYS', generateDemoRpKeys());
    changed = true;
  }
  if (changed || !existsSync(persistent)) {
    writeFileSync(persistent, `${[...values].map(([k, v]) => `${k}=${v}`).join('\n')}\n`, { mode: 0o600 });
  }
  const run = join(dir, '.dev.vars.run');
  const all = new Map([...values, ...Object.entries(perRun)]);
  writeFileSync(run, `${[...all].map(([k, v]) => `${k}=${v}`).join('\n')}\n`, { mode: 0o600 });
  chmodSync(run, 0o600);
  return run;
}
