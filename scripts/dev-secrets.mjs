// @peculiar/x509 needs a Reflect polyfill loaded before it (tsyringe refuses to start without one).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { execFileSync } from 'node:child_process';
import { randomBytes, webcrypto } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDemoRpKeys } from './demo-rp-keys.mjs';
import { generateOidcKeys } from './oidc-keys.mjs';

x509.cryptoProvider.set(webcrypto);

const P256 = { name: 'ECDSA', namedCurve: 'P-256' };
const ES256 = { name: 'ECDSA', hash: 'SHA-256' };
const CA_YEARS = 20;

/**
 * The development card CA (docs/level3.md): CARD_CA_KEY, its private JWK (EC P-256), and
 * CARD_CA_CERT, its self-signed certificate (PEM) — made the way a production CA would be, offline,
 * with the library the Worker verifies with. It outlives every card it will sign (10 years at most).
 */
export async function generateCardCa(now = new Date()) {
  const keys = await webcrypto.subtle.generateKey(P256, true, ['sign', 'verify']);
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CA_YEARS);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomBytes(8)
      .toString('hex')
      .replace(/^[89a-f]/, '1'),
    name: 'CN=CieID edge development card CA, O=CieID edge (sviluppo), C=IT',
    notBefore: now,
    notAfter,
    keys,
    signingAlgorithm: ES256,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const { kty, crv, x, y, d } = await webcrypto.subtle.exportKey('jwk', keys.privateKey);
  return { CARD_CA_KEY: JSON.stringify({ kty, crv, x, y, d }), CARD_CA_CERT: certificate.toString('pem') };
}

/**
 * generateCardCa for devSecrets, which its caller runs synchronously: WebCrypto only answers with
 * promises, so the CA is made in a child Node and read from its output.
 */
function generateCardCaSync() {
  const self = JSON.stringify(import.meta.url);
  const script = `import { generateCardCa } from ${self}; process.stdout.write(JSON.stringify(await generateCardCa()));`;
  return JSON.parse(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('..', import.meta.url)) }),
  );
}

/** A PEM in a .dev.vars line: double-quoted, its line breaks as \n (wrangler's dotenv reads them back). */
const dotenvQuoted = (text) => `"${text.trim().replace(/\r?\n/g, '\\n')}"`;

/**
 * Development secrets: PEPPER, DATA_KEY, the OP's and the demo RP's keys and the card CA are
 * generated once into .dev.vars and kept (what was sealed or signed with them stays readable and
 * valid across restarts); per-run values are written to .dev.vars.run.
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
  // The personal area's relying-party keys (AREA_RP_KEYS), the same shape and kept for the same reason.
  if (!values.get('AREA_RP_KEYS')) {
    values.set('AREA_RP_KEYS', generateDemoRpKeys());
    changed = true;
  }
  // The card CA: kept, since every card issued carries a certificate it signed.
  if (!values.get('CARD_CA_KEY') || !values.get('CARD_CA_CERT')) {
    const ca = generateCardCaSync();
    values.set('CARD_CA_KEY', ca.CARD_CA_KEY);
    values.set('CARD_CA_CERT', dotenvQuoted(ca.CARD_CA_CERT));
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
