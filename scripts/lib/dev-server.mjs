import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Starting and finding the development server from tools: the e2e global setup, `npm run bench:local`
 * and the scripts that talk to a running `npm start` (seed, bench).
 */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The registry token the running `npm start` wrote into .dev.vars.run (STATE_DIR when set). */
export function runningToken(stateDir = process.env.STATE_DIR ?? root) {
  const file = join(stateDir, '.dev.vars.run');
  if (!existsSync(file)) return null;
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('REGISTRY_TOKEN='));
  return line ? line.slice('REGISTRY_TOKEN='.length).trim() : null;
}

/** Asks the kernel for a port nobody uses; the tiny race until wrangler binds it is acceptable here. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitForHealth(baseUrl, child, { timeoutMs = 90_000, describe = () => '' } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the development server exited before it was ready:\n${describe()}`);
    }
    try {
      const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`the development server did not answer /health within ${timeoutMs / 1000} s:\n${describe()}`);
}

/**
 * `scripts/dev.mjs` in its own process group: wrangler starts workerd and esbuild as its children,
 * and signalling only dev.mjs could leave them running. `args` go to `wrangler dev` (e.g. --inspector-port).
 */
export function spawnDevServer({ port, registryToken, stateDir, env = {}, args = [] }) {
  return spawn(process.execPath, [join(root, 'scripts', 'dev.mjs'), ...args], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, PORT: String(port), REGISTRY_TOKEN: registryToken, STATE_DIR: stateDir },
  });
}

/** Stops the whole process group, politely first. */
export async function stopGroup(child, timeoutMs = 10_000) {
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
  const signal = (s) => {
    try {
      process.kill(-pid, s);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (alive() && Date.now() < deadline) await sleep(100);
  if (alive()) signal('SIGKILL');
}

/** Last lines of a log file, for an error message. */
export function tail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
