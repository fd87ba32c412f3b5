// `node scripts/profile-login.mjs`: where the server's CPU goes in a complete level 2 login, step by
// step. It starts its own server with the V8 inspector on — standalone workerd serving what
// `npm run serve:workerd` serves (`workerd serve --inspector-addr`), or `wrangler dev
// --inspector-port` with `--runtime wrangler` — or attaches to one you started (`npm start --
// --inspector-port P`, then `--runtime wrangler --base-url … --registry-token … --inspector-port P`),
// records a CPU profile over the Chrome DevTools Protocol while N sequential logins run (the same
// logins as `npm run bench`), and prints, for each step, the sampled CPU time by source (our files,
// each library, the runtime) and the functions with the most self time, mapped back to the
// TypeScript sources through the bundle's source map.
//   -n N                 sequential logins to profile (default 40)
//   --top K              functions listed per step (default 12)
//   --interval US        sampling interval in microseconds (default 100)
//   --out FILE           also write the raw .cpuprofile (open it in Chrome DevTools → Performance)
//   --runtime R          workerd (default) or wrangler
//   --base-url URL --registry-token T --inspector-port P   profile a server that is already running
// Run it with the project's Node 22 (`node_modules/.bin/node scripts/profile-login.mjs`): it needs the
// global WebSocket, which the system's older node lacks. See docs/performance.md for what it found.
// Samples are attributed to steps by time: V8's profile timestamps and Node's process.hrtime share
// CLOCK_MONOTONIC on Linux, so each sample falls in the window between two step boundaries. Only
// the worker's isolate is profiled (our code and the Durable Objects, which run in it, including
// native work done on its thread: WebCrypto, SQLite, RPC serialization, counted to the JS function
// that called it); the rest of the workerd process (HTTP, the assets worker, the Durable Object
// plumbing; under wrangler dev also miniflare's entry and asset-router isolates, and the dev stack's
// other processes) is not, which is why the /proc line at the end is larger than the sampled total.
// Profiling slows the server: compare profiles with profiles, and use `npm run bench:local` for
// throughput.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { STEPS, runBench } from './bench.mjs';
import { checkRuntime, freePort, root, startServer, stopGroup } from './lib/dev-server.mjs';

const { values } = parseArgs({
  options: {
    n: { type: 'string', short: 'n', default: '40' },
    top: { type: 'string', default: '12' },
    interval: { type: 'string', default: '100' },
    out: { type: 'string' },
    'base-url': { type: 'string' },
    'registry-token': { type: 'string' },
    'inspector-port': { type: 'string' },
    runtime: { type: 'string', default: 'workerd' },
  },
});
const logins = Number(values.n);
const top = Number(values.top);

/**
 * A minimal CDP client over the inspector's WebSocket: wrangler's inspector proxy serves the Worker
 * at /ws; workerd serves each of its workers at /<service name>, and ours is "main"
 * (scripts/lib/workerd-config.mjs).
 */
async function inspector(port, runtime) {
  const path = runtime === 'wrangler' ? '/ws' : '/main';
  // wrangler's inspector proxy refuses upgrades without an Origin header.
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers: { Origin: `http://127.0.0.1:${port}` } });
  // undici's WebSocket does not keep the event loop alive while we wait for answers.
  const keepAlive = setInterval(() => {}, 1000);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error(`no inspector on port ${port}`));
  });
  let next = 0;
  const pending = new Map();
  ws.onmessage = (event) => {
    const message = JSON.parse(String(event.data));
    // workerd acknowledges some commands by echoing them (method, no result): that is the answer too.
    if (message.id !== undefined && pending.has(message.id)) {
      pending.get(message.id)(message);
      pending.delete(message.id);
    }
  };
  return {
    send: (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = ++next;
        pending.set(id, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result)));
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => {
      clearInterval(keepAlive);
      ws.close();
    },
  };
}

const nowMicros = () => Number(process.hrtime.bigint() / 1000n);

/** CPU ms (user + system) of a process, from /proc (10 ms ticks), or NaN when it cannot be read. */
function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** The workerd process that runs the worker (the one with the inspector), among a process group's. */
function workerProcess(pgid) {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) !== pgid) continue;
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--inspector-addr')) return Number(pid);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

/**
 * The bundle being served, with its source map, to name sources instead of index.js: serve:workerd's
 * (`wrangler deploy --dry-run` writes the map beside it), or the newest one wrangler dev wrote.
 */
function bundleSourceMap(runtime) {
  if (runtime === 'workerd') {
    const dir = join(root, '.tools', 'workerd', 'bundle');
    const file = join(dir, 'index.js.map');
    return existsSync(file) ? { dir, map: new SourceMap(JSON.parse(readFileSync(file, 'utf8'))) } : null;
  }
  const tmp = join(root, '.wrangler', 'tmp');
  if (!existsSync(tmp)) return null;
  const dirs = readdirSync(tmp)
    .filter((d) => d.startsWith('dev-') && existsSync(join(tmp, d, 'index.js.map')))
    .map((d) => join(tmp, d))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return dirs.length ? { dir: dirs[0], map: new SourceMap(JSON.parse(readFileSync(join(dirs[0], 'index.js.map'), 'utf8'))) } : null;
}

/** Where a profile node's code comes from: a source file of ours, a package, or the runtime. */
function locate(callFrame, bundle) {
  const { functionName, url, lineNumber, columnNumber } = callFrame;
  const name = functionName || '(anonymous)';
  if (!url) return { name, file: name.startsWith('(') ? name : '(runtime)', where: '' };
  if (!bundle || !url.endsWith('index.js')) return { name, file: url, where: `${url}:${lineNumber + 1}` };
  const entry = bundle.map.findEntry(lineNumber, columnNumber);
  if (!entry?.originalSource) return { name, file: '(bundle)', where: `index.js:${lineNumber + 1}` };
  let source = entry.originalSource.replace(/^file:\/\//, '');
  if (!source.startsWith('/')) source = join(bundle.dir, source);
  const rel = relative(root, source);
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1];
  const file = pkg ? `pkg:${pkg}` : rel.startsWith('..') ? '(wrangler/miniflare)' : rel;
  return { name, file, where: `${pkg ? `${pkg}/…/${source.split('/').pop()}` : rel}:${entry.originalLine + 1}` };
}

/**
 * Self time (ms) of each sample, attributed to the step whose window holds it. A sample stands for
 * the gap since the previous one, but at most `cap` µs: workerd's sampler pauses while the isolate
 * waits (I/O, other processes), and an uncapped gap would charge that wait to whatever ran before it.
 */
function attribute(profile, windows, bundle, cap, from = -Infinity) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const located = new Map();
  const at = (id) => {
    if (!located.has(id)) located.set(id, locate(nodes.get(id).callFrame, bundle));
    return located.get(id);
  };
  const perStep = new Map();
  let t = profile.startTime;
  let w = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    const dt = Math.min(profile.timeDeltas[i], cap) / 1000;
    while (w < windows.length && windows[w].end < t) w++;
    const step = t < from ? '(setup)' : w < windows.length && windows[w].start <= t ? windows[w].step : '(between steps)';
    const where = at(profile.samples[i]);
    if (where.name === '(idle)') continue;
    let s = perStep.get(step);
    if (!s) {
      s = { total: 0, files: new Map(), functions: new Map() };
      perStep.set(step, s);
    }
    s.total += dt;
    s.files.set(where.file, (s.files.get(where.file) ?? 0) + dt);
    const key = `${where.name}  ${where.where}`;
    s.functions.set(key, (s.functions.get(key) ?? 0) + dt);
  }
  return perStep;
}

const ms = (x) => x.toFixed(2).padStart(8);
const byValue = (map) => [...map].sort((a, b) => b[1] - a[1]);

function report(perStep, counts) {
  const order = [...STEPS, '(between steps)'].filter((s) => perStep.has(s));
  let total = 0;
  for (const step of order) {
    const s = perStep.get(step);
    const count = counts[step] || logins;
    if (STEPS.includes(step) && step !== 'outbox') total += s.total / count;
    console.log(`\n== ${step}: ${ms(s.total / count)} ms sampled CPU per ${step === '(between steps)' ? 'login' : 'step'} (${count} samples of the step)`);
    console.log('   by source:');
    for (const [file, v] of byValue(s.files).slice(0, 10)) console.log(`   ${ms(v / count)}  ${file}`);
    console.log('   top self time:');
    for (const [fn, v] of byValue(s.functions).slice(0, top)) console.log(`   ${ms(v / count)}  ${fn}`);
  }
  const outbox = perStep.get('outbox')?.total ?? 0;
  console.log(
    `\nsampled CPU per login in the worker isolate: ${total.toFixed(1)} ms in the steps, ${(total + outbox / logins).toFixed(1)} ms with the outbox reads`,
  );
}

async function main() {
  const runtime = checkRuntime(values.runtime);
  let child = null;
  let stateDir = null;
  let baseUrl = values['base-url'];
  let registryToken = values['registry-token'];
  let inspectorPort = Number(values['inspector-port']);
  if (!baseUrl) {
    const port = await freePort();
    inspectorPort = await freePort();
    registryToken = randomBytes(24).toString('base64url');
    stateDir = mkdtempSync(join(tmpdir(), 'cieid-profile-'));
    const log = join(stateDir, 'server.log');
    process.once('exit', () => {
      try {
        if (child) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    });
    ({ baseUrl } = await startServer({ runtime, port, registryToken, stateDir, log, inspectorPort, onSpawn: (c) => (child = c) }));
  } else if (!registryToken || !inspectorPort) {
    throw new Error('with --base-url, pass --registry-token and --inspector-port too');
  }
  try {
    const cdp = await inspector(inspectorPort, runtime);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: Number(values.interval) });
    const windows = [];
    let start = 0;
    let step0 = null;
    const workerPid = child ? workerProcess(child.pid) : null;
    let cpuAtStart = NaN;
    const probe = (step) => {
      const now = nowMicros();
      if (step) windows.push({ step, start, end: now });
      start = now;
      if (step0 === null) {
        step0 = now;
        cpuAtStart = processCpuMs(workerPid);
      }
    };
    await cdp.send('Profiler.start');
    const result = await runBench({ baseUrl, registryToken, n: logins, concurrency: 1, log: () => {}, probe });
    const cpuLogins = processCpuMs(workerPid) - cpuAtStart;
    const { profile } = await cdp.send('Profiler.stop');
    cdp.close();
    if (values.out) writeFileSync(values.out, JSON.stringify(profile));
    if (result.failed) throw new Error(`${result.failed} logins failed: ${result.failures.join('; ')}`);
    // Setup (activation of the citizens) ran before the first step: leave it out.
    const counts = Object.fromEntries(STEPS.map((s) => [s, result.steps[s].count]));
    counts['(between steps)'] = logins;
    const bundle = bundleSourceMap(runtime);
    const perStep = attribute(
      profile,
      windows.filter((w) => w.start >= step0),
      bundle,
      4 * Number(values.interval),
      step0,
    );
    // Setup (the citizens' activation) is left out; what the isolate does between one login's steps
    // and the next's (work after a response, alarms, garbage collection) is shown.
    perStep.delete('(setup)');
    console.log(`profile of ${logins} sequential logins against ${runtime} on ${baseUrl} (${profile.samples.length} samples)`);
    report(perStep, counts);
    // A check on the sampling: what the kernel counted for the worker's process over the same logins
    // (outbox reads and the RP's token calls included; the profiler's own overhead too).
    if (workerPid) console.log(`worker process CPU per login from /proc (everything, outbox included): ${(cpuLogins / logins).toFixed(1)} ms`);
  } finally {
    if (child) await stopGroup(child);
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (err) {
  console.error(`profile-login: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}
