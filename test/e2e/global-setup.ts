import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    registryToken: string;
  }
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const STARTUP_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;

/** Asks the kernel for a port nobody uses; the tiny race until wrangler binds it is acceptable here. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitForHealth(baseUrl: string, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the development server exited before it was ready:\n${tail(log)}`);
    }
    try {
      const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`the development server did not answer /health within ${STARTUP_TIMEOUT_MS / 1000} s:\n${tail(log)}`);
}

/**
 * wrangler starts workerd and esbuild as its own children: signalling only dev.mjs could leave
 * them running, so the whole process group (the child is its leader, `detached`) is stopped.
 */
async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const alive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (alive() && Date.now() < deadline) await sleep(100);
  if (alive()) signal('SIGKILL');
}

/** One `wrangler dev` for the whole e2e run, on a free port, with its own state and a known token. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const port = await freePort();
  const registryToken = randomBytes(24).toString('base64url');
  const stateDir = mkdtempSync(join(tmpdir(), 'cieid-e2e-'));
  const log = join(stateDir, 'server.log');
  const out = createWriteStream(log);
  const child = spawn(process.execPath, [join(root, 'scripts', 'dev.mjs')], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(port), REGISTRY_TOKEN: registryToken, STATE_DIR: stateDir },
  });
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
    await waitForHealth(baseUrl, child, log);
  } catch (err) {
    await teardown();
    throw err;
  }
  project.provide('baseUrl', baseUrl);
  project.provide('registryToken', registryToken);
  return teardown;
}
