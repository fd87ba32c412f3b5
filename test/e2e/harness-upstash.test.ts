import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { freePort, spawnDevServer, stopGroup, tail, waitForHealth } from '../../scripts/lib/dev-server.mjs';
import { spawnTrustAnchor, trustAnchorVars, waitForTrustAnchor } from '../../scripts/lib/trust-anchor.mjs';
import { expectHarnessPasses } from './support/harness-run';

/**
 * Issue 15 §4: the whole service on the Upstash directory adapter — `npm start -- --directory upstash`,
 * which starts a local redis-server and the Upstash-REST bridge — passes the conformance harness, every
 * suite, as it does on the Durable Object shards.
 */
it('passes every conformance check with the directory on Upstash Redis (a local redis-server)', async () => {
  const port = await freePort();
  const registryToken = randomBytes(24).toString('base64url');
  const stateDir = mkdtempSync(join(tmpdir(), 'cieid-e2e-upstash-'));
  const log = join(stateDir, 'server.log');
  const out = createWriteStream(log);
  // Suite federation's Trust Anchor, as in the global setup: federated clients live in the directory too.
  const taPort = await freePort();
  const trustAnchor = { url: `http://127.0.0.1:${taPort}`, adminToken: randomBytes(24).toString('base64url') };
  const keysFile = join(stateDir, 'trust-anchor.jwks.json');
  const env = trustAnchorVars({ entityId: trustAnchor.url, keysFile });
  const ta = spawnTrustAnchor({ port: taPort, keysFile, adminToken: trustAnchor.adminToken, onboard: [`http://127.0.0.1:${port}`] });
  const child = spawnDevServer({ port, registryToken, stateDir, env, args: ['--directory', 'upstash'] });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    await Promise.all([waitForHealth(baseUrl, child, { describe: () => tail(log) }), waitForTrustAnchor(trustAnchor.url, ta)]);
    await expectHarnessPasses(baseUrl, registryToken, 'harness-upstash', trustAnchor);
    // It was Redis that answered: the server says so, and redis-server's append-only file holds the
    // relying parties and the single-use ids the harness made.
    expect(readFileSync(log, 'utf8')).toContain('Upstash REST');
    const redisDir = join(stateDir, 'redis');
    const written = readdirSync(redisDir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => readFileSync(join(e.parentPath, e.name), 'latin1'))
      .join('');
    for (const key of ['client:', 'nonce:', 'cf:']) expect(written, key).toContain(key);
  } finally {
    await Promise.all([stopGroup(child), stopGroup(ta)]);
    out.end();
    rmSync(stateDir, { recursive: true, force: true });
  }
}, 600_000);
