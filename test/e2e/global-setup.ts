import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort, spawnDevServer, stopGroup, tail, waitForHealth } from '../../scripts/lib/dev-server.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    registryToken: string;
  }
}

/** One `wrangler dev` for the whole e2e run, on a free port, with its own state and a known token. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const port = await freePort();
  const registryToken = randomBytes(24).toString('base64url');
  const stateDir = mkdtempSync(join(tmpdir(), 'cieid-e2e-'));
  const log = join(stateDir, 'server.log');
  const out = createWriteStream(log);
  const child: ChildProcess = spawnDevServer({ port, registryToken, stateDir });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);

  // Whatever happens to the test run, wrangler must not outlive it.
  const onExit = () => {
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', onExit);

  const teardown = async () => {
    await stopGroup(child);
    process.off('exit', onExit);
    out.end();
    if (process.env.E2E_KEEP_STATE) console.log(`e2e server state and log kept in ${stateDir}`);
    else rmSync(stateDir, { recursive: true, force: true });
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(baseUrl, child, { describe: () => tail(log) });
  } catch (err) {
    await teardown();
    throw err;
  }
  project.provide('baseUrl', baseUrl);
  project.provide('registryToken', registryToken);
  return teardown;
}
