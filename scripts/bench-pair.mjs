// `npm run bench:pair`: two versions of the service side by side in one run, for "before/after"
// figures that the machine's drift does not swamp (docs/performance.md, "How to measure").
// "before" is a commit, checked out for the run as a temporary `git worktree` under the system's
// temporary directory (this tree's node_modules linked into it, so both sides run the same
// dependencies); "after" is a working tree, by default this one with its uncommitted changes. Both
// are served at once on standalone workerd, each by its own checkout's scripts/serve-workerd.mjs
// (its own bundle, port, STATE_DIR and REGISTRY_TOKEN). Each round runs a batch of sequential level 2
// SMS logins against each, the order swapped every round, and counts the server's CPU (utime +
// stime of its workerd process, from /proc) only within each login, first step to last: activation and
// the RP's registration, which each batch does first, fall outside. Ratios are taken round by round
// (the two batches of a round run within seconds of each other) and their median is the figure.
//   --before REF   commit, branch or tag to compare against (default HEAD)
//   --after DIR    the tree to measure (default this working tree, uncommitted changes included)
//   --rounds R     rounds (default 12)        -n N   logins per batch (default 10)
//   --before-state DIR, --after-state DIR
//                  where that side keeps its Durable Objects' SQLite files (a fresh directory made
//                  inside DIR, removed at the end; default the run's temporary directory): e.g. the
//                  same commit on both sides, one on ext4 and one on tmpfs (/dev/shm), sizes what
//                  the disk's durability costs a login
//   --no-pin       leave the processes where the scheduler puts them (by default both servers share
//                  core 1 and this client takes core 0, as bench:compare pins, when taskset can)
// Prints a table (each step and the total: medians, ratio after/before, its spread), writes the
// same as JSON to load/results/bench-pair-<time>.json and prints it as the last line. Exits 1 when
// any login failed on either side, 2 when the run could not be made.
// Run it with the project's Node 22 (node_modules/.bin/node), like the other benchmarks.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { STEPS, runBench } from './bench.mjs';
import { freePort, root, startServer, stopGroup, tail } from './lib/dev-server.mjs';
import { LOAD_CORE, SERVER_CORE, groupAffinity, pinGroup, pinning } from './lib/pin.mjs';
import { groupPids, procStat } from './lib/proc-cpu.mjs';

const { values } = parseArgs({
  allowNegative: true,
  options: {
    pin: { type: 'boolean', default: true },
    before: { type: 'string', default: 'HEAD' },
    after: { type: 'string' },
    rounds: { type: 'string', default: '12' },
    n: { type: 'string', short: 'n', default: '10' },
    'before-state': { type: 'string' },
    'after-state': { type: 'string' },
  },
});
const rounds = Number(values.rounds);
const n = Number(values.n);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 1000 || !Number.isInteger(n) || n < 1 || n > 1000) {
  console.error('bench:pair: --rounds and -n must be integers from 1 to 1000');
  process.exit(2);
}
const afterRoot = resolve(values.after ?? root);
const SIDES = ['before', 'after'];
/** The login's own steps: `outbox` is the development test hook that reads the SMS code, not a step a citizen makes. */
const LOGIN_STEPS = STEPS.filter((s) => s !== 'outbox');

const git = (dir, ...args) =>
  execFileSync('git', ['-C', dir, '--no-optional-locks', ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
const round1 = (x) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 10) / 10);
const round2 = (x) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 100) / 100);
const median = (xs) => {
  const sorted = xs.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const loads = () => loadavg().map(round2);

/** What is being compared, to print beside the figures: a commit, and whether the tree differs from it. */
function describeTree(dir) {
  try {
    const commit = git(dir, 'rev-parse', 'HEAD').trim();
    const changed = git(dir, 'status', '--porcelain').split('\n').filter(Boolean);
    return { dir, commit, subject: git(dir, 'log', '-1', '--format=%s', commit).trim(), dirty: changed.length > 0, changed };
  } catch {
    return { dir, commit: null, subject: null, dirty: null, changed: [] };
  }
}

// --- the two checkouts -----------------------------------------------------------------------------

/**
 * What a run killed outright (SIGKILL, the OOM killer) left behind: its servers (each in a process
 * group of its own) and its worktree. A run writes its pid and its servers' process groups into its
 * temporary directory; a directory whose run is gone is cleaned here.
 */
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function cleanStaleRuns() {
  let entries = [];
  try {
    entries = git(root, 'worktree', 'list', '--porcelain')
      .split('\n')
      .filter((l) => l.startsWith('worktree '))
      .map((l) => l.slice('worktree '.length));
  } catch {
    return;
  }
  const prefix = join(realpathSync(tmpdir()), 'cieid-bench-pair-');
  for (const worktree of entries.filter((w) => w.startsWith(prefix) && w.endsWith('/before'))) {
    const dir = resolve(worktree, '..');
    const owner = Number(readFileSync(join(dir, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
    if (owner && alive(owner)) continue; // a run in progress
    for (const pgid of readFileSync(join(dir, 'servers'), { encoding: 'utf8', flag: 'a+' }).split('\n').filter(Boolean)) {
      try {
        process.kill(-Number(pgid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    try {
      if (lstatSync(join(worktree, 'node_modules'), { throwIfNoEntry: false })?.isSymbolicLink()) unlinkSync(join(worktree, 'node_modules'));
      git(root, 'worktree', 'remove', '--force', worktree);
    } catch {
      // removed below
    }
    rmSync(dir, { recursive: true, force: true });
    console.log(`bench:pair: cleaned up after an earlier run that was killed (${dir})`);
  }
}
cleanStaleRuns();

const tmp = mkdtempSync(join(tmpdir(), 'cieid-bench-pair-'));
writeFileSync(join(tmp, 'pid'), String(process.pid));
const beforeRoot = join(tmp, 'before');
let worktreeAdded = false;
const servers = {}; // side → { child, baseUrl, workerdPids, log }
const children = [];
/** State directories made outside `tmp` (--before-state, --after-state), removed with it. */
const stateDirs = [];
let cleaning = null;

/** The before checkout goes whatever happens: a leftover worktree would hold its commit in `git worktree list`. */
function removeWorktree() {
  try {
    // The link first, so that nothing that removes the tree can reach the after tree's node_modules.
    if (lstatSync(join(beforeRoot, 'node_modules'), { throwIfNoEntry: false })?.isSymbolicLink()) unlinkSync(join(beforeRoot, 'node_modules'));
  } catch {
    // not there
  }
  if (worktreeAdded) {
    try {
      git(root, 'worktree', 'remove', '--force', beforeRoot);
    } catch (err) {
      console.error(`bench:pair: git worktree remove failed (${err instanceof Error ? err.message.split('\n')[0] : err}); removing the directory`);
    }
    worktreeAdded = false;
  }
  rmSync(tmp, { recursive: true, force: true });
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
  try {
    git(root, 'worktree', 'prune');
  } catch {
    // nothing to prune
  }
}

function cleanup() {
  cleaning ??= (async () => {
    await Promise.all(children.map((c) => stopGroup(c)));
    removeWorktree();
  })();
  return cleaning;
}

// A last resort when the process ends some other way (an uncaught error, process.exit elsewhere).
process.once('exit', () => {
  for (const c of children) {
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (existsSync(tmp)) removeWorktree();
});
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    console.error(`\nbench:pair: ${signal}, stopping both servers and removing the before checkout`);
    cleanup().finally(() => process.exit(130));
  });
}

function prepareBefore(commit) {
  // Both sides must run the same dependencies, since only one node_modules is there to link.
  const lockAfter = join(afterRoot, 'package-lock.json');
  const lockBefore = git(root, 'show', `${commit}:package-lock.json`);
  if (!existsSync(lockAfter) || readFileSync(lockAfter, 'utf8') !== lockBefore) {
    throw new Error(
      `package-lock.json differs between ${values.before} (${commit.slice(0, 10)}) and ${afterRoot}: the two sides would need different node_modules, and bench:pair links one. Compare commits with the same lockfile.`,
    );
  }
  // Set first: an add cut short (Ctrl-C reaches git too) may leave a half-made worktree to remove.
  worktreeAdded = true;
  git(root, 'worktree', 'add', '--detach', beforeRoot, commit);
  if (!existsSync(join(beforeRoot, 'scripts', 'serve-workerd.mjs'))) {
    throw new Error(`${values.before} (${commit.slice(0, 10)}) has no scripts/serve-workerd.mjs: it cannot be served on standalone workerd`);
  }
  symlinkSync(join(afterRoot, 'node_modules'), join(beforeRoot, 'node_modules'), 'dir');
  execFileSync(process.execPath, [join(beforeRoot, 'scripts', 'copy-assets.mjs')], { cwd: beforeRoot, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function startSide(side, checkout) {
  const port = await freePort();
  const parent = values[`${side}-state`];
  const stateDir = parent ? mkdtempSync(join(resolve(parent), `cieid-bench-pair-${side}-`)) : join(tmp, `${side}-state`);
  if (parent) stateDirs.push(stateDir);
  else mkdirSync(stateDir);
  const log = join(tmp, `${side}.log`);
  const registryToken = randomBytes(24).toString('base64url');
  try {
    const { child, baseUrl } = await startServer({
      runtime: 'workerd',
      port,
      registryToken,
      stateDir,
      log,
      cwd: checkout,
      onSpawn: (c) => {
        children.push(c);
        writeFileSync(join(tmp, 'servers'), `${c.pid}\n`, { flag: 'a' });
      },
    });
    // serve:workerd's Node parent only waits (0 CPU); the server is its one workerd child.
    const workerdPids = groupPids(child.pid).filter((pid) => procStat(pid)?.name === 'workerd');
    if (!workerdPids.length) throw new Error('no workerd process in its process group');
    // serve:workerd runs workerd in the checkout's own .tools/workerd, beside the bundle it built there.
    const served = workerdPids.map((pid) => readlinkSync(`/proc/${pid}/cwd`));
    if (served.some((dir) => dir !== join(realpathSync(checkout), '.tools', 'workerd')))
      throw new Error(`its workerd runs in ${served.join(', ')}, not in ${checkout}`);
    return { child, baseUrl, registryToken, workerdPids, log };
  } catch (err) {
    throw new Error(`the ${side} server (${checkout}) did not start: ${err instanceof Error ? err.message : err}\n${tail(log)}`);
  }
}

// --- measuring ---------------------------------------------------------------------------------------

const cpuOf = (server) =>
  server.workerdPids.reduce((sum, pid) => {
    const stat = procStat(pid);
    if (!stat) throw new Error(`the workerd process ${pid} is gone`);
    return sum + stat.cpu;
  }, 0);

function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const mb = (field) => round1(Number(new RegExp(`^${field}:\\s*(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) / 1024);
    return { rssMb: mb('VmRSS'), highWaterMb: mb('VmHWM') };
  } catch {
    return null;
  }
}

/**
 * One batch of `logins` sequential logins against `server`, its workerd CPU summed per step. runBench
 * calls `probe(null)` as a flow's first step begins and `probe(step)` as each ends, so CPU between a
 * flow's end and the next one's start — and all of the batch's set-up, which runBench finishes (and
 * logs) before the first flow — is never counted. `setupBleedMs` is what the server spent between the
 * end of set-up and the first flow, when only the client works: it shows whether set-up leaves work
 * (a waitUntil, an alarm) that would spill into the windows.
 */
async function batch(server, logins) {
  const spent = Object.fromEntries(STEPS.map((s) => [s, 0]));
  let setupDone = null;
  let firstFlow = null;
  let outOfOrder = 0;
  let last = null;
  const probe = (step) => {
    const now = cpuOf(server);
    if (setupDone === null) outOfOrder++;
    if (step === null) firstFlow ??= now;
    else if (last !== null) spent[step] += now - last;
    last = now;
  };
  const log = (line) => {
    if (line.startsWith('setup:')) setupDone = cpuOf(server);
  };
  const result = await runBench({ baseUrl: server.baseUrl, registryToken: server.registryToken, n: logins, concurrency: 1, log, probe });
  if (outOfOrder) throw new Error(`runBench probed ${outOfOrder} time(s) before its set-up ended: set-up would be counted`);
  const perLogin = (seconds) => (result.ok ? (seconds * 1000) / result.ok : null);
  const steps = Object.fromEntries(STEPS.map((s) => [s, perLogin(spent[s])]));
  return {
    ok: result.ok,
    failed: result.failed,
    failures: result.failures,
    total: perLogin(STEPS.reduce((sum, s) => sum + spent[s], 0)),
    withoutOutbox: perLogin(LOGIN_STEPS.reduce((sum, s) => sum + spent[s], 0)),
    steps,
    setupBleedMs: setupDone !== null && firstFlow !== null ? (firstFlow - setupDone) * 1000 : null,
    flowP50Ms: result.flow.p50,
  };
}

const ROWS = [...STEPS.map((s) => [s, (b) => b.steps[s]]), ['total', (b) => b.total], ['without outbox', (b) => b.withoutOutbox]];

function summarize(results) {
  const rows = {};
  for (const [name, pick] of ROWS) {
    const before = results.map((r) => (r.before.ok ? pick(r.before) : null));
    const after = results.map((r) => (r.after.ok ? pick(r.after) : null));
    // A step of a millisecond or two can read 0 ticks in a batch: that round has no ratio for it.
    const ratios = results.map((_, i) => (before[i] > 0 && after[i] !== null ? after[i] / before[i] : null)).filter((x) => x !== null);
    rows[name] = {
      beforeMs: round1(median(before)),
      afterMs: round1(median(after)),
      ratio: round2(median(ratios)),
      ratioMin: ratios.length ? round2(Math.min(...ratios)) : null,
      ratioMax: ratios.length ? round2(Math.max(...ratios)) : null,
      roundsWithRatio: ratios.length,
    };
  }
  return rows;
}

function printTable(rows) {
  const cells = [['ms of workerd CPU per login', 'before', 'after', 'after/before', 'spread (min–max)', 'rounds']];
  for (const [name, r] of Object.entries(rows)) {
    const show = (x) => (x === null ? '–' : String(x));
    cells.push([name, show(r.beforeMs), show(r.afterMs), show(r.ratio), r.ratioMin === null ? '–' : `${r.ratioMin}–${r.ratioMax}`, String(r.roundsWithRatio)]);
  }
  const widths = cells[0].map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  for (const [i, row] of cells.entries()) {
    console.log(`  ${row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')}`);
    if (i === 0) console.log(`  ${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  }
}

// --- the run ---------------------------------------------------------------------------------------

let code = 0;
try {
  if (!existsSync(join(afterRoot, 'scripts', 'serve-workerd.mjs')) || !existsSync(join(afterRoot, 'node_modules'))) {
    throw new Error(`${afterRoot} is not a checkout of this project with its node_modules installed`);
  }
  let beforeCommit;
  try {
    beforeCommit = git(root, 'rev-parse', '--verify', '--end-of-options', `${values.before}^{commit}`).trim();
  } catch {
    throw new Error(`--before ${values.before} is not a commit of ${root}`);
  }
  const refs = {
    before: { ref: values.before, commit: beforeCommit, subject: git(root, 'log', '-1', '--format=%s', beforeCommit).trim(), dir: 'temporary worktree' },
    after: describeTree(afterRoot),
  };
  if (afterRoot !== root)
    execFileSync(process.execPath, [join(afterRoot, 'scripts', 'copy-assets.mjs')], { cwd: afterRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  prepareBefore(beforeCommit);
  const loadAtStart = loads();
  const startedAt = new Date();
  console.log(`bench:pair — before ${values.before} = ${beforeCommit.slice(0, 10)} "${refs.before.subject}"`);
  console.log(
    `             after  ${afterRoot} = ${refs.after.commit?.slice(0, 10) ?? '(not a git checkout)'}${refs.after.dirty ? ` + uncommitted changes (dirty: ${refs.after.changed.length} paths)` : ''}`,
  );
  console.log(`building and starting both on standalone workerd (load average ${loadAtStart.join(' ')})`);

  const started = await Promise.allSettled([startSide('before', beforeRoot), startSide('after', afterRoot)]);
  const failedStart = started.find((s) => s.status === 'rejected');
  if (failedStart) throw failedStart.reason;
  [servers.before, servers.after] = started.map((s) => s.value);
  for (const side of SIDES) console.log(`  ${side.padEnd(6)} ${servers[side].baseUrl}  workerd pid ${servers[side].workerdPids.join(',')}`);
  // Unpinned, each workerd tends to stay on the core it woke on, and the two vCPUs need not run at
  // the same speed (a neighbour on the host, another session's pinned benchmark): one side could
  // pay that difference in every round. On one core together, both pay the same. Pinned only now,
  // so that the two builds had both cores.
  const pin = values.pin ? pinning() : { enabled: false, why: '--no-pin' };
  if (pin.enabled) {
    for (const side of SIDES) pinGroup(servers[side].child.pid, SERVER_CORE);
    spawnSync('taskset', ['-a', '-p', '-c', String(LOAD_CORE), String(process.pid)], { stdio: 'ignore' });
  }
  const affinity = Object.fromEntries(SIDES.map((side) => [side, groupAffinity(servers[side].child.pid)]));
  console.log(pin.enabled ? `  pinned: both servers on core ${SERVER_CORE}, this client on core ${LOAD_CORE}` : `  not pinned (${pin.why})`);

  // The first requests of an isolate compile and warm what every later one reuses: kept out of the figures.
  const warmUp = Math.min(n, 3);
  const failures = [];
  for (const side of SIDES) {
    const b = await batch(servers[side], warmUp);
    if (b.failed) failures.push({ side, round: 'warm-up', failed: b.failed, examples: b.failures });
  }

  const loadAtMeasureStart = loads();
  console.log(
    `\n${rounds} rounds of ${n} sequential level 2 SMS logins per side, the order swapped every round (load average ${loadAtMeasureStart.join(' ')})`,
  );
  const results = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? SIDES : [...SIDES].reverse();
    const entry = { round: r + 1, order: order.join(' → ') };
    for (const side of order) {
      entry[side] = await batch(servers[side], n);
      if (entry[side].failed) failures.push({ side, round: r + 1, failed: entry[side].failed, examples: entry[side].failures });
    }
    results.push(entry);
    const show = (b) => `${round1(b.total) ?? '–'} ms (${round1(b.withoutOutbox) ?? '–'} without outbox)${b.failed ? `, ${b.failed} FAILED` : ''}`;
    const ratio = entry.before.total > 0 && entry.after.total !== null ? round2(entry.after.total / entry.before.total) : '–';
    console.log(`  round ${String(r + 1).padStart(2)} (${entry.order.padEnd(15)}) before ${show(entry.before)}   after ${show(entry.after)}   ratio ${ratio}`);
  }
  const loadAtEnd = loads();
  const memory = Object.fromEntries(SIDES.map((side) => [side, Object.fromEntries(servers[side].workerdPids.map((pid) => [pid, memoryOf(pid)]))]));
  const rows = summarize(results);
  const bleed = Object.fromEntries(SIDES.map((side) => [side, round1(Math.max(...results.map((r) => r[side].setupBleedMs ?? 0)))]));

  console.log(`\nmedians of ${rounds} rounds (${n} logins each; /proc counts 10 ms ticks, so a step's figure is good to ≈ ${round1(10 / n)} ms per round):`);
  printTable(rows);
  const rss = (side) =>
    Object.values(memory[side])
      .map((m) => (m ? `${m.rssMb} MB (high-water ${m.highWaterMb})` : 'gone'))
      .join(', ');
  console.log(`  workerd RSS at the end: before ${rss('before')}; after ${rss('after')}`);
  console.log(`  load average (1, 5, 15 min): ${loadAtMeasureStart.join(' ')} at the start, ${loadAtEnd.join(' ')} at the end`);
  console.log(`  workerd CPU between set-up's end and the first login, highest of any batch: before ${bleed.before} ms, after ${bleed.after} ms`);
  console.log(`  before: ${values.before} = ${beforeCommit}`);
  console.log(`  after:  ${afterRoot} = ${refs.after.commit ?? '(not a git checkout)'}${refs.after.dirty ? ' + uncommitted changes (dirty)' : ''}`);
  for (const side of SIDES) if (values[`${side}-state`]) console.log(`  ${side}'s state: in ${resolve(values[`${side}-state`])}`);

  if (failures.length) {
    code = 1;
    console.log('\nfailed logins:');
    for (const f of failures) console.log(`  ${f.side}, round ${f.round}: ${f.failed} failed, e.g. ${f.examples[0]}`);
  }

  const summary = {
    bench: 'bench:pair',
    startedAt: startedAt.toISOString(),
    rounds,
    loginsPerBatch: n,
    warmUpLogins: warmUp,
    refs,
    stateIn: Object.fromEntries(SIDES.map((side) => [side, values[`${side}-state`] ? resolve(values[`${side}-state`]) : "the run's temporary directory"])),
    loadAverage: { start: loadAtMeasureStart, end: loadAtEnd },
    pinning: { ...pin, affinity },
    cpuMsPerLogin: rows,
    rssAtEnd: memory,
    setupBleedMsMax: bleed,
    failures,
    perRound: results.map((r) => ({
      round: r.round,
      order: r.order,
      ...Object.fromEntries(
        SIDES.map((side) => [
          side,
          {
            ok: r[side].ok,
            failed: r[side].failed,
            total: round1(r[side].total),
            withoutOutbox: round1(r[side].withoutOutbox),
            steps: Object.fromEntries(STEPS.map((s) => [s, round1(r[side].steps[s])])),
            flowP50Ms: r[side].flowP50Ms,
          },
        ]),
      ),
    })),
  };
  const resultsDir = join(root, 'load', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `bench-pair-${startedAt.toISOString().slice(0, 19).replaceAll(':', '-')}Z.json`);
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`\nwritten to ${file}`);
  console.log(JSON.stringify(summary));
} catch (err) {
  console.error(`bench:pair: ${err instanceof Error ? err.message : String(err)}`);
  code = 2;
} finally {
  await cleanup();
}
process.exit(code);
