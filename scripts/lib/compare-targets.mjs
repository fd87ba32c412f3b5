import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { activate, issueCard } from './citizen-flows.mjs';
import { randomCitizen } from './citizens.mjs';
import { freePort, root, startServer, tail } from './dev-server.mjs';
import { SERVER_CORE, onCore, pinGroup } from './pin.mjs';
import { commandLine } from './proc-cpu.mjs';
import { ACR } from './rp.mjs';
import { generateRpKeys, randomRpHost, registerClient } from './rp-keys.mjs';

/**
 * The two servers bench:compare measures and the data load/compare/login.ts needs for each: our
 * service (fresh state) with an RP registered and citizens activated through its own
 * API and pages (on standalone workerd, or wrangler dev with `--runtime wrangler`), and the
 * oidc-provider of oidc-provider-server.mjs with the same RP and the same users. Each server runs in
 * a process group of its own, pinned to the server core when `pin`.
 */
const SCOPE = 'openid profile';
/** What both targets encrypt userinfo with: ECDH-ES to the RP's P-256 key, A256GCM content. */
const USERINFO_ENCRYPTION = { userinfo_encrypted_response_alg: 'ECDH-ES', userinfo_encrypted_response_enc: 'A256GCM' };

/** The RP both targets know: one key set, one client_id. */
export async function benchRp() {
  const keys = await generateRpKeys();
  const clientId = `https://${randomRpHost()}`;
  return { keys, clientId, clientName: 'Comune del Confronto', redirectUri: `${clientId}/callback` };
}

/** `count` citizens with a card and activated credentials on our service; their logins as users. */
export async function activateCitizens(baseUrl, registryToken, count) {
  const activated = [];
  // Four at a time: the activation pages hash a password each, and setup is not what is measured.
  for (let i = 0; i < count; i += 4) {
    const batch = Array.from({ length: Math.min(4, count - i) }, randomCitizen);
    activated.push(
      ...(await Promise.all(batch.map(async (citizen) => activate(baseUrl, { citizen, card: await issueCard(baseUrl, registryToken, citizen) })))),
    );
  }
  return activated.map(({ citizen, password }) => ({
    username: citizen.fiscalCode,
    password,
    givenName: citizen.givenName,
    familyName: citizen.familyName,
    birthDate: citizen.birthDate,
    fiscalCode: citizen.fiscalCode,
  }));
}

/** The file login.ts open()s for one target. */
export function writeTargetData(file, target, discovery, rp, users) {
  const data = {
    target,
    issuer: discovery.issuer,
    authorizationEndpoint: discovery.authorization_endpoint,
    tokenEndpoint: discovery.token_endpoint,
    userinfoEndpoint: discovery.userinfo_endpoint,
    clientId: rp.clientId,
    redirectUri: rp.redirectUri,
    scope: SCOPE,
    acr: ACR[1],
    sigKey: { kid: rp.keys.sig.kid, privateJwk: rp.keys.sig.privateJwk, publicJwk: rp.keys.sig.publicJwk },
    encKey: { kid: rp.keys.enc.kid, privateJwk: rp.keys.enc.privateJwk },
    users: users.map(({ username, password, givenName, fiscalCode }) => ({ username, password, givenName, fiscalCode })),
  };
  writeFileSync(file, JSON.stringify(data));
}

async function discover(baseUrl) {
  const res = await fetch(`${baseUrl}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`discovery at ${baseUrl}: ${res.status}`);
  return res.json();
}

function logTo(child, file) {
  const out = createWriteStream(file);
  child.stdout.pipe(out);
  child.stderr.pipe(out);
}

/**
 * What each process of wrangler dev does, for the CPU breakdown: wrangler (node) logs every request,
 * one workerd is its dev proxy on the public port, the other (the one with the inspector) runs the
 * Worker and its Durable Objects. Only the last one is what a deployment would run.
 */
function wranglerRole(pid, stat) {
  const args = commandLine(pid);
  if (stat.name === 'workerd') return args.some((a) => a.startsWith('--inspector-addr')) ? 'workerd (worker)' : 'workerd (dev proxy)';
  if (args.some((a) => a.endsWith('cli.js') && a.includes('wrangler'))) return 'node (wrangler)';
  return stat.name;
}

/**
 * Under serve:workerd the one workerd process serves everything (HTTP, the Worker, its Durable
 * Objects, the static assets); its Node parent only built the bundle and then waits, so any CPU it
 * shows during a rung would be a surprise worth seeing apart.
 */
function workerdRole(pid, stat) {
  if (stat.name === 'node' && commandLine(pid).some((a) => a.endsWith('serve-workerd.mjs'))) return 'node (serve-workerd, waiting)';
  return stat.name;
}

/**
 * Our service on `runtime` on a free port with its state in `workDir`, the RP registered. `track`
 * gets the child as soon as it exists, so the caller can kill its group whatever happens next.
 */
export async function startOurs(workDir, rp, pin, track, runtime = 'workerd') {
  const port = await freePort();
  const registryToken = randomBytes(24).toString('base64url');
  const log = join(workDir, 'cieid.log');
  const { child, baseUrl } = await startServer({
    runtime,
    port,
    registryToken,
    stateDir: join(workDir, 'cieid-state'),
    log,
    // wrangler dev prints a line per request from its Node process at the info level: a cost of the
    // dev tool (≈ 1–2 ms a request, docs/performance.md) that no deployment pays, so it is turned off.
    wranglerArgs: ['--log-level', 'warn'],
    onSpawn: (c) => {
      track(c);
      // Nothing has started below it yet: pinned now, its children inherit the core.
      if (pin) pinGroup(c.pid, SERVER_CORE);
    },
  });
  if (pin) pinGroup(child.pid, SERVER_CORE);
  await registerClient(baseUrl, registryToken, {
    client_id: rp.clientId,
    client_name: rp.clientName,
    redirect_uris: [rp.redirectUri],
    jwks: rp.keys.jwks,
    ...USERINFO_ENCRYPTION,
  });
  const label = runtime === 'wrangler' ? wranglerRole : workerdRole;
  return { name: 'cieid', runtime, child, log, baseUrl, registryToken, discovery: await discover(baseUrl), label };
}

/** Resolves once the child prints a line starting with `ready`; rejects on exit or after `timeoutMs`. */
function waitForReady(child, log, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`oidc-provider not ready within ${timeoutMs / 1000} s:\n${tail(log)}`)), timeoutMs);
    child.stdout.on('data', (chunk) => {
      if (/^ready /m.test(String(chunk))) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`oidc-provider exited before it was ready:\n${tail(log)}`));
    });
  });
}

/** oidc-provider on a free port, in its own process group, started on the server core when `pin`. */
export async function startTheirs(workDir, rp, users, pin, track) {
  const port = await freePort();
  const setup = join(workDir, 'oidc-provider-setup.json');
  writeFileSync(
    setup,
    JSON.stringify({
      port,
      client: { clientId: rp.clientId, clientName: rp.clientName, redirectUri: rp.redirectUri, jwks: rp.keys.jwks },
      users,
    }),
  );
  const log = join(workDir, 'oidc-provider.log');
  const [command, args] = onCore(pin, SERVER_CORE, process.execPath, [join(root, 'scripts', 'lib', 'oidc-provider-server.mjs'), setup]);
  const child = spawn(command, args, { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } });
  track(child);
  logTo(child, log);
  await waitForReady(child, log, 120_000);
  const baseUrl = `http://127.0.0.1:${port}`;
  return { name: 'oidc-provider', child, log, baseUrl, discovery: await discover(baseUrl) };
}
