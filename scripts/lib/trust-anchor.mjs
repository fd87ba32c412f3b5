import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { root } from './dev-server.mjs';

/**
 * The harness's development Trust Anchor (harness/src/federation/trust-anchor.ts) beside a server
 * of ours: `npm start -- --trust-anchor` and the e2e global setup start it through the harness's own
 * command, so it runs exactly as QA runs it next to a deployment.
 */
const bin = join(root, 'harness', 'bin', 'cie-harness.mjs');

/**
 * FEDERATION_TRUST_ANCHORS, FEDERATION_AUTHORITY_HINTS and FEDERATION_REQUIRED_TRUST_MARKS for a TA
 * at `entityId` whose key is in `keysFile` (made there the first time).
 */
export function trustAnchorVars({ entityId, keysFile }) {
  const out = execFileSync(process.execPath, [bin, 'trust-anchor', '--print-config', '--json', '--entity-id', entityId, '--keys', keysFile], {
    cwd: root,
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

/**
 * The TA in a process group of its own on 127.0.0.1:`port`; `onboard` lists entities as its
 * subordinates; `demoRp`, an OP's origin, hosts the demo relying party at /e/demo/ for it.
 */
export function spawnTrustAnchor({ port, keysFile, adminToken, onboard = [], demoRp }) {
  const args = [
    bin,
    'trust-anchor',
    '--listen',
    `127.0.0.1:${port}`,
    '--keys',
    keysFile,
    ...onboard.flatMap((id) => ['--onboard', id]),
    ...(demoRp ? ['--demo-rp', demoRp] : []),
  ];
  return spawn(process.execPath, args, {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FEDERATION_TA_TOKEN: adminToken },
  });
}

/** Until its entity configuration answers. */
export async function waitForTrustAnchor(url, child, { timeoutMs = 30_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the Trust Anchor exited (${child.exitCode ?? child.signalCode}) before it answered`);
    try {
      const res = await fetch(`${url}/.well-known/openid-federation`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`the Trust Anchor did not answer at ${url} within ${timeoutMs / 1000} s`);
}

/**
 * What `npm start -- --trust-anchor` needs before wrangler starts: the TA's port (TRUST_ANCHOR_PORT,
 * else the server's + 1), its key kept in `dir` across restarts (the Worker pins it), its admin token
 * (FEDERATION_TA_TOKEN, else a fresh one) and the Worker's federation variables.
 */
export function trustAnchorSetup(serverPort, dir, env = process.env) {
  const port = Number(env.TRUST_ANCHOR_PORT ?? serverPort + 1);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`TRUST_ANCHOR_PORT must be a TCP port number, not ${env.TRUST_ANCHOR_PORT}`);
  const url = `http://127.0.0.1:${port}`;
  const keysFile = join(dir, 'trust-anchor.jwks.json');
  const adminToken = env.FEDERATION_TA_TOKEN || randomBytes(24).toString('base64url');
  return { port, url, keysFile, adminToken, vars: trustAnchorVars({ entityId: url, keysFile }) };
}
