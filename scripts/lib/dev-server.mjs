import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workerdBinary } from './workerd-binary.mjs';

/**
 * Starting and finding the development server from tools: the e2e global setup, the benchmarks
 * (bench:local, bench:compare, profile-login) and the scripts that talk to a running `npm start`
 * (seed, bench).
 */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * What the benchmarks run our service on. `workerd` (the default) is `npm run serve:workerd`: the
 * bundle a deployment uploads on the runtime Cloudflare runs, nothing else in the way. `wrangler` is
 * `npm start` (wrangler dev), whose proxy, entry worker and request log cost more than the Worker
 * (docs/performance.md): kept to compare with the figures taken before issue 15.
 */
export const RUNTIMES = ['workerd', 'wrangler'];

export function checkRuntime(value = 'workerd') {
  if (!RUNTIMES.includes(value)) throw new Error(`--runtime must be ${RUNTIMES.join(' or ')}, not ${value}`);
  return value;
}

/** Where scripts/serve-workerd.mjs writes the bundle and the config workerd serves. */
const WORKERD_DIR = join(root, '.tools', 'workerd');

/** The registry token the running `npm start` wrote into .dev.vars.run (STATE_DIR when set). */
export function runningToken(stateDir = process.env.STATE_DIR ?? root) {
  const file = join(stateDir, '.dev.vars.run');
  if (!existsSync(file)) return null;
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('REGISTRY_TOKEN='));
  return line ? line.slice('REGISTRY_TOKEN='.length).trim() : null;
}

/** Asks the kernel for a port nobody uses; the tiny race until the server binds it is acceptable here. */
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
export function spawnDevServer({ port, registryToken, stateDir, env = {}, args = [], cwd = root }) {
  return spawn(process.execPath, [join(cwd, 'scripts', 'dev.mjs'), ...args], {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, PORT: String(port), REGISTRY_TOKEN: registryToken, STATE_DIR: stateDir },
  });
}

/**
 * Our service on `runtime`, in a process group of its own: on workerd, scripts/serve-workerd.mjs
 * (its Node process builds the bundle, then only waits for the one workerd process that serves);
 * on wrangler, scripts/dev.mjs with `wranglerArgs` for `wrangler dev`. `cwd` is the checkout whose
 * own scripts and bundle are served (bench:pair runs an older commit's beside this tree).
 */
export function spawnServer({ runtime = 'workerd', port, registryToken, stateDir, env = {}, wranglerArgs = [], cwd = root }) {
  if (checkRuntime(runtime) === 'wrangler') return spawnDevServer({ port, registryToken, stateDir, env, args: wranglerArgs, cwd });
  return spawn(process.execPath, [join(cwd, 'scripts', 'serve-workerd.mjs')], {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env, PORT: String(port), REGISTRY_TOKEN: registryToken, STATE_DIR: stateDir },
  });
}

/**
 * spawnServer, its output appended to `log`, until /health answers. `onSpawn` gets every process
 * group as soon as it exists (to pin it, or to kill it whatever happens next). With `inspectorPort`
 * the Worker's isolate takes V8 inspector connections on 127.0.0.1 at that port: wrangler dev's
 * --inspector-port, or workerd's --inspector-addr. serve:workerd has no option for it, so the
 * workerd it started is stopped once healthy and the same config is served again by a workerd of
 * ours with the inspector on: the Worker, its bindings and its state are exactly serve:workerd's.
 */
export async function startServer({
  runtime = 'workerd',
  port,
  registryToken,
  stateDir,
  log,
  inspectorPort,
  env = {},
  wranglerArgs = [],
  onSpawn = () => {},
  timeoutMs = 120_000,
  cwd = root,
}) {
  if (inspectorPort && cwd !== root) throw new Error('inspectorPort is for this checkout only');
  const out = createWriteStream(log, { flags: 'a' });
  const begin = (child) => {
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    onSpawn(child);
    return child;
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const inspect = inspectorPort && runtime === 'wrangler' ? ['--inspector-port', String(inspectorPort)] : [];
  let child = begin(spawnServer({ runtime, port, registryToken, stateDir, env, wranglerArgs: [...wranglerArgs, ...inspect], cwd }));
  await waitForHealth(baseUrl, child, { timeoutMs, describe: () => tail(log) });
  if (runtime === 'workerd' && inspectorPort) {
    const config = readFileSync(join(WORKERD_DIR, 'config.capnp'), 'utf8');
    // Another serve:workerd (a test, a colleague's run) may have rewritten the shared config since.
    const ours = [`address = "127.0.0.1:${port}"`, JSON.stringify(join(resolve(stateDir), 'workerd', 'do'))];
    if (!ours.every((line) => config.includes(line))) throw new Error(`${WORKERD_DIR}/config.capnp is another server's now; run again`);
    await stopGroup(child);
    // Beside the original, so that its relative `embed` paths (the bundle) still resolve; it holds
    // the development secrets, so it lives only until workerd has read it.
    const file = join(WORKERD_DIR, `inspect-${port}.capnp`);
    writeFileSync(file, config, { mode: 0o600 });
    try {
      const args = ['serve', file, '--experimental', `--inspector-addr=127.0.0.1:${inspectorPort}`];
      child = begin(spawn(workerdBinary(root), args, { cwd: WORKERD_DIR, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }));
      await waitForHealth(baseUrl, child, { timeoutMs, describe: () => tail(log) });
    } finally {
      rmSync(file, { force: true });
    }
  }
  return { child, baseUrl };
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
