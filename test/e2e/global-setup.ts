import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, spawnDevServer, stopGroup, tail, waitForHealth } from '../../scripts/lib/dev-server.mjs';
import { spawnTrustAnchor, trustAnchorVars, waitForTrustAnchor } from '../../scripts/lib/trust-anchor.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    registryToken: string;
    /** The development Trust Anchor the server trusts (suite federation of the harness). */
    trustAnchor: { url: string; adminToken: string };
  }
}

/** One `wrangler dev` for the whole e2e run, on a free port, with its own state and a known token. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const port = await freePort();
  const registryToken = randomBytes(24).toString('base64url');
  const stateDir = mkdtempSync(join(tmpdir(), 'cieid-e2e-'));
  const log = join(stateDir, 'server.log');
  const out = createWriteStream(log);
  // The harness's Trust Anchor on a free port, started first: the server is configured to trust it.
  const taPort = await freePort();
  const trustAnchor = { url: `http://127.0.0.1:${taPort}`, adminToken: randomBytes(24).toString('base64url') };
  const taVars = trustAnchorVars({ entityId: trustAnchor.url, keysFile: join(stateDir, 'trust-anchor.jwks.json') });
  const ta: ChildProcess = spawnTrustAnchor({
    port: taPort,
    keysFile: join(stateDir, 'trust-anchor.jwks.json'),
    adminToken: trustAnchor.adminToken,
    onboard: [`http://127.0.0.1:${port}`],
    demoRp: `http://127.0.0.1:${port}`,
  });
  ta.stdout!.pipe(out, { end: false });
  ta.stderr!.pipe(out, { end: false });
  const child: ChildProcess = spawnDevServer({ port, registryToken, stateDir, env: taVars });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);

  // Whatever happens to the test run, wrangler must not outlive it.
  const onExit = () => {
    for (const pid of [child.pid, ta.pid]) {
      if (pid === undefined) continue;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', onExit);

  const teardown = async () => {
    await Promise.all([stopGroup(child), stopGroup(ta)]);
    process.off('exit', onExit);
    out.end();
    if (process.env.E2E_KEEP_STATE) console.log(`e2e server state and log kept in ${stateDir}`);
    else rmSync(stateDir, { recursive: true, force: true });
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await Promise.all([waitForHealth(baseUrl, child, { describe: () => tail(log) }), waitForTrustAnchor(trustAnchor.url, ta)]);
  } catch (err) {
    await teardown();
    throw err;
  }
  project.provide('baseUrl', baseUrl);
  project.provide('registryToken', registryToken);
  project.provide('trustAnchor', trustAnchor);
  return teardown;
}
