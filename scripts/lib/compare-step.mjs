import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, stopGroup } from './dev-server.mjs';
import { K6_BIN } from './k6.mjs';
import { LOAD_CORE, SERVER_CORE, onCore, pinGroup } from './pin.mjs';
import { cpuSpent, groupCpu, groupPids, procStat } from './proc-cpu.mjs';

/**
 * One rung of bench:compare's ladder: load/compare/login.ts at one arrival rate against one target,
 * with the target's CPU (its whole process group, from /proc) read around the k6 run, and what the
 * run says about saturation.
 */
export const LOGIN_SCRIPT = join(root, 'load', 'compare', 'login.ts');
const GRACEFUL_STOP_S = 5; // login.ts's gracefulStop

/** Saturated: fewer than 80 % of the offered flows completed per second, or drops or failures piling up. */
export const SATURATION = { completedShare: 0.8, droppedShare: 0.05, failedShare: 0.02 };

const round = (x, digits = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);

/** The k6 processes running now, for a caller that must kill everything when it exits. */
export const runningK6 = new Set();

/** Runs `command`, keeping the last lines of its output; killed with its process group after `timeoutMs`. */
function runBounded(command, args, timeoutMs) {
  const child = spawn(command, args, { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  runningK6.add(child);
  const lines = [];
  const keep = (chunk) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    lines.splice(0, Math.max(0, lines.length - 40));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void stopGroup(child, 2_000);
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      runningK6.delete(child);
      resolve({ code, signal, timedOut, lines, child });
    });
  });
}

/** A process's resident memory now and at its highest so far (VmRSS, VmHWM), in MB, or null once it is gone. */
function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const mb = (field) => Math.round(Number(new RegExp(`^${field}:\\s*(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) / 102.4) / 10;
    return { rss: mb('VmRSS'), peak: mb('VmHWM') };
  } catch {
    return null;
  }
}

/**
 * The resident memory of a process group by process (named as `label` names them): `rssMaxMb`, the
 * highest of the readings taken while it runs (every `everyMs`), and `peakMb`, the kernel's high-water
 * mark since the process started. `stop()` ends the readings and returns them.
 */
export function watchMemory(pgid, label = (_pid, stat) => stat.name, everyMs = 1_000) {
  const seen = {};
  const read = () => {
    // Processes of one name (esbuild's, say) are summed: what the group holds is the question.
    const now = {};
    for (const pid of groupPids(pgid)) {
      const stat = procStat(pid);
      const m = memoryOf(pid);
      if (!stat || !m || !Number.isFinite(m.rss)) continue;
      const name = label(pid, stat);
      now[name] = { rss: (now[name]?.rss ?? 0) + m.rss, peak: (now[name]?.peak ?? 0) + m.peak };
    }
    for (const [name, m] of Object.entries(now)) {
      seen[name] = { rssMaxMb: Math.max(seen[name]?.rssMaxMb ?? 0, round(m.rss)), peakMb: Math.max(seen[name]?.peakMb ?? 0, round(m.peak)) };
    }
  };
  read();
  const timer = setInterval(read, everyMs);
  return {
    stop() {
      clearInterval(timer);
      read();
      return seen;
    },
  };
}

function readSummary(file) {
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The figures of one k6 summary: flows, drops, and p50/p95/p99 (ms) of each step's requests. */
export function stepFigures(summary) {
  const m = summary.metrics;
  const count = (name) => m[name]?.values.count ?? 0;
  const stat = (values) => ({ p50: round(values['p(50)']), p95: round(values['p(95)']), p99: round(values['p(99)']), count: values.count });
  const steps = Object.fromEntries(summary.steps.filter((s) => m[`step_${s}`]).map((s) => [s, stat(m[`step_${s}`].values)]));
  const failedAt = Object.fromEntries(summary.steps.map((s) => [s, count(`failed_${s}`)]).filter(([, n]) => n > 0));
  return {
    seconds: summary.state.testRunDurationMs / 1000,
    completed: count('flows_completed'),
    failed: count('flows_failed'),
    failedAt,
    dropped: count('dropped_iterations'),
    checks: m.checks?.values.rate ?? null,
    flow: m.flow_duration ? stat(m.flow_duration.values) : null,
    steps,
  };
}

/**
 * k6 at `rate` flows/s for `durationS` against `target` ({ name, child }); `dataFile` is what
 * login.ts open()s. Returns the rung's figures, CPU ms per completed flow included.
 */
export async function runStep({ target, dataFile, rate, durationS, workDir, pin, run }) {
  const summaryFile = join(workDir, `k6-${run}-${target.name}-${rate}.json`);
  const args = [
    'run',
    '--quiet',
    '--no-color',
    '--no-usage-report',
    '--address',
    '',
    '-e',
    `COMPARE_DATA=${dataFile}`,
    '-e',
    `RATE=${rate}`,
    '-e',
    `DURATION=${durationS}s`,
    '-e',
    `SUMMARY=${summaryFile}`,
    LOGIN_SCRIPT,
  ];
  const [command, commandArgs] = onCore(pin, LOAD_CORE, K6_BIN, args);
  const pgid = target.child.pid;
  // wrangler dev may have started a new workerd (it restarts on a source change): pin that one too.
  if (pin) pinGroup(pgid, SERVER_CORE);
  const pidsBefore = groupPids(pgid).join();
  const cpuBefore = groupCpu(pgid, target.label);
  const memory = watchMemory(pgid, target.label);
  const k6 = await runBounded(command, commandArgs, (durationS + GRACEFUL_STOP_S + 60) * 1000);
  const spent = cpuSpent(cpuBefore, groupCpu(pgid, target.label));
  const memoryMb = memory.stop();
  const restarted = groupPids(pgid).join() !== pidsBefore;

  const summary = readSummary(summaryFile);
  if (!summary || k6.timedOut || (k6.code !== 0 && k6.code !== 99)) {
    const why = k6.timedOut ? 'timed out' : `exited ${k6.code ?? k6.signal}`;
    return { rate, error: `k6 ${why}`, saturated: true, log: k6.lines.slice(-15) };
  }
  const figures = stepFigures(summary);
  const offered = rate * durationS;
  const completedPerSec = figures.completed / figures.seconds;
  const saturated =
    completedPerSec < SATURATION.completedShare * rate ||
    figures.dropped > SATURATION.droppedShare * offered ||
    figures.failed > SATURATION.failedShare * offered;
  const perFlow = (seconds) => (figures.completed ? round((seconds * 1000) / figures.completed) : null);
  return {
    rate,
    ...figures,
    completedPerSec: round(completedPerSec, 2),
    saturated,
    restarted,
    cpuSeconds: round(spent.total, 2),
    cpuMsPerFlow: perFlow(spent.total),
    cpuMsPerFlowByProcess: Object.fromEntries(Object.entries(spent.byName).map(([name, s]) => [name, perFlow(s)])),
    memoryMb,
    // The flows' own complaints (login.ts prints a few), to say why a rung failed.
    warnings: k6.lines.filter((l) => l.includes('flow failed')).slice(0, 3),
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * What a target costs before any login: its group's CPU while idle (ms per second: timers, file
 * watchers) and per trivial request (`path`, sequential, idle time deducted) — the floor under each
 * of a login's requests. Measured with plain fetch from this process, which stays off the server core.
 */
export async function cpuFloor(target, path, requests = 200) {
  const pgid = target.child.pid;
  const total = () => cpuSpent({}, groupCpu(pgid)).total;
  const idleStart = total();
  const idleMs = 3_000;
  await sleep(idleMs);
  const idlePerMs = (total() - idleStart) / idleMs;
  const before = total();
  const started = performance.now();
  for (let i = 0; i < requests; i++) {
    const res = await fetch(`${target.baseUrl}${path}`, { signal: AbortSignal.timeout(10_000) });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${target.name}: ${path} answered ${res.status}`);
  }
  const busy = total() - before - idlePerMs * (performance.now() - started);
  return { idleCpuMsPerSecond: round(idlePerMs * 1000 * 1000), requestCpuMs: round((busy * 1000) / requests, 2), path };
}
