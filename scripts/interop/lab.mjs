import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { freePort, root, spawnDevServer, stopGroup, tail, waitForHealth } from '../lib/dev-server.mjs';

/**
 * The interop federation of `npm run test:interop`, all on 127.0.0.1: our service (wrangler dev, as the
 * e2e tests run it) and one Django process of the reference implementation (spid-cie-oidc) serving its
 * Trust Anchor at the root and its Relying Party under /oidc/rp. Our OP is the TA's subordinate; the
 * TA is our OP's trust anchor (FEDERATION_TRUST_ANCHORS, its federation key pinned) and our authority
 * hint. Keys and the Django database are made per run in a temporary directory.
 */
export const VENV_PYTHON = join(root, '.tools', 'interop-venv', 'bin', 'python');
const DJANGO_DIR = join(root, 'scripts', 'interop', 'django');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function python(state, args) {
  const out = spawnSync(VENV_PYTHON, [join(DJANGO_DIR, 'federation_setup.py'), ...args], {
    cwd: DJANGO_DIR,
    env: { ...process.env, INTEROP_STATE: state, PYTHONDONTWRITEBYTECODE: '1' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (out.status !== 0) throw new Error(`federation_setup.py ${args.join(' ')} failed (${out.status}):\n${out.stderr}${out.stdout}`);
  return JSON.parse(out.stdout.trim().split('\n').pop());
}

/** Our entity configuration's own keys: what the TA registers for its subordinate. */
async function ourFederationKeys(op) {
  const res = await fetch(`${op}/.well-known/openid-federation`, { signal: AbortSignal.timeout(10_000) });
  const jwt = await res.text();
  if (!res.ok) throw new Error(`our entity configuration: ${res.status} ${jwt.slice(0, 200)}`);
  const header = decodeProtectedHeader(jwt);
  const payload = decodeJwt(jwt);
  if (header.typ !== 'entity-statement+jwt' || !Array.isArray(payload.jwks?.keys)) throw new Error('our entity configuration has no jwks');
  return { keys: payload.jwks.keys, authorityHints: payload.authority_hints ?? [] };
}

async function waitForDjango(url, child, log, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`Django exited before it was ready:\n${tail(log)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`Django did not answer ${url} within ${timeoutMs / 1000} s:\n${tail(log)}`);
}

/**
 * A port held by a listening socket of ours until `release()`: the TA's entity id names it before our
 * server starts (some 20 s before Django binds it), and nobody may take it meanwhile.
 */
async function reservePort() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return { port: server.address().port, release: () => new Promise((resolve) => server.close(resolve)) };
}

/** A federation key nobody in the lab signs with: pinned in place of the TA's, it must break every chain. */
async function unrelatedKey() {
  const { publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk) };
}

/**
 * Starts the federation. Our OP pins the TA's federation key (`pinnedKey: 'unrelated'` pins another
 * one instead) and requires `requiredTrustMarks(ta)` of RPs (FEDERATION_REQUIRED_TRUST_MARKS; by
 * default the one trust mark the TA issues to its RP). Resolves to where everything is and `stop()`;
 * on failure everything started so far is stopped before the error is thrown.
 */
export async function startLab({ pinnedKey = 'anchor', requiredTrustMarks = (ta) => [`${ta}/openid_relying_party/public`] } = {}) {
  if (!existsSync(VENV_PYTHON)) throw new Error(`${VENV_PYTHON} is missing: run bash scripts/interop/install.sh (npm run test:interop does)`);
  const state = mkdtempSync(join(tmpdir(), 'cieid-interop-'));
  const reserved = await reservePort();
  const djangoPort = reserved.port;
  let ourPort = await freePort();
  let op = `http://127.0.0.1:${ourPort}`;
  const ta = `http://127.0.0.1:${djangoPort}`;
  const rp = `${ta}/oidc/rp`;
  const trustMarkId = `${ta}/openid_relying_party/public`;
  const config = { ta, rp, op, django_secret: randomBytes(32).toString('base64url'), op_jwks: [] };
  writeFileSync(join(state, 'config.json'), JSON.stringify(config));

  const children = [];
  const outs = [];
  const onExit = () => {
    for (const child of children) {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', onExit);
  const stop = async () => {
    for (const child of children.reverse()) await stopGroup(child);
    process.off('exit', onExit);
    for (const out of outs) out.end();
    if (process.env.INTEROP_KEEP_STATE) console.log(`interop state and logs kept in ${state}`);
    else rmSync(state, { recursive: true, force: true });
  };
  const started = (child, log) => {
    const out = createWriteStream(log);
    outs.push(out);
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    children.push(child);
    return child;
  };

  try {
    const { ta_jwks: anchorKeys } = python(state, ['keys']);
    const taKeys = pinnedKey === 'unrelated' ? [await unrelatedKey()] : anchorKeys;
    const marks = requiredTrustMarks(ta);
    const registryToken = randomBytes(24).toString('base64url');
    const vars = {
      FEDERATION_AUTHORITY_HINTS: ta,
      FEDERATION_TRUST_ANCHORS: JSON.stringify({ [ta]: { keys: taKeys } }),
      ...(marks.length ? { FEDERATION_REQUIRED_TRUST_MARKS: marks.join(',') } : {}),
    };
    // Our server on the port chosen above; another process on this machine may take it between
    // freePort() and wrangler's bind, so a server that could not bind tries again on a fresh port.
    const ourLog = join(state, 'server.log');
    for (let attempt = 1; ; attempt++) {
      const server = started(
        spawnDevServer({
          port: ourPort,
          registryToken,
          stateDir: join(state, 'op'),
          args: Object.entries(vars).flatMap(([name, value]) => ['--var', `${name}:${value}`]),
        }),
        ourLog,
      );
      try {
        await waitForHealth(op, server, { describe: () => tail(ourLog) });
        break;
      } catch (err) {
        if (attempt >= 3 || !/Address already in use/.test(tail(ourLog))) throw err;
        await stopGroup(children.pop());
        ourPort = await freePort();
        op = `http://127.0.0.1:${ourPort}`;
        config.op = op;
      }
    }
    const ours = await ourFederationKeys(op);
    if (!ours.authorityHints.includes(ta)) throw new Error(`our entity configuration does not name ${ta} in authority_hints`);
    writeFileSync(join(state, 'config.json'), JSON.stringify({ ...config, op_jwks: ours.keys }));
    const loaded = python(state, ['load']);

    const djangoLog = join(state, 'django.log');
    await reserved.release();
    const django = started(
      spawn(VENV_PYTHON, ['manage.py', 'runserver', `127.0.0.1:${djangoPort}`, '--noreload'], {
        cwd: DJANGO_DIR,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, INTEROP_STATE: state, PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1' },
      }),
      djangoLog,
    );
    await waitForDjango(`${ta}/.well-known/openid-federation`, django, djangoLog);

    return {
      op,
      ta,
      rp,
      trustMarkId,
      registryToken,
      rpMetadata: loaded.rp_metadata,
      /** The paths (query decoded) Django was asked for, in order, from its request log. */
      djangoRequests: () =>
        [...readFileSync(djangoLog, 'utf8').matchAll(/"GET (\S+) HTTP\/[\d.]+" (\d{3})/g)].map((m) => ({
          path: decodeURIComponent(m[1]),
          status: Number(m[2]),
        })),
      logs: () => `--- our server ---\n${tail(ourLog, 30)}\n--- Django ---\n${tail(djangoLog, 60)}`,
      stop,
    };
  } catch (err) {
    await reserved.release();
    await stop();
    throw err;
  }
}
