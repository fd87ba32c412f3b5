// `npm run bench:local`: starts its own server (fresh state, free port) — standalone workerd as
// `npm run serve:workerd` runs it, or `wrangler dev` with `--runtime wrangler` — runs the bench
// three times and prints the median run, plus the CPU each process of the server spent per login
// and the resident memory of each.
//   -n N (default 200)   -c C (default 8)   --runs R (default 3)   --runtime workerd|wrangler
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STEPS, benchOptions, printResult, runBench } from './bench.mjs';
import { watchMemory } from './lib/compare-step.mjs';
import { checkRuntime, freePort, startServer, stopGroup, tail } from './lib/dev-server.mjs';
import { groupCpu, groupPids, procStat } from './lib/proc-cpu.mjs';

const options = benchOptions(process.argv.slice(2), { runs: { type: 'string', default: '3' }, runtime: { type: 'string', default: 'workerd' } });
const { n, concurrency } = options;
const runs = Number(options.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
const runtime = checkRuntime(options.runtime);

/**
 * The server's CPU per login step: sequential logins, the group's CPU time read as each step ends.
 * /proc counts in 10 ms ticks, so only means over many logins say anything.
 */
async function cpuPerStep(baseUrl, registryToken, pgid, logins) {
  const pids = groupPids(pgid);
  const cpuNow = () => pids.reduce((sum, pid) => sum + (procStat(pid)?.cpu ?? 0), 0);
  const spent = Object.fromEntries(STEPS.map((s) => [s, 0]));
  let last = cpuNow();
  const probe = (step) => {
    const now = cpuNow();
    if (step) spent[step] += now - last;
    last = now;
  };
  const result = await runBench({ baseUrl, registryToken, n: logins, concurrency: 1, log: () => {}, probe });
  const perStep = Object.fromEntries(STEPS.map((s) => [s, Math.round((spent[s] * 1000) / result.steps[s].count)]));
  // What any request costs before our code does anything: the floor under each of a login's ~12.
  const requests = 200;
  const before = cpuNow();
  for (let i = 0; i < requests; i++) await (await fetch(`${baseUrl}/health`)).arrayBuffer();
  perStep.healthRequest = Math.round(((cpuNow() - before) * 1000 * 10) / requests) / 10;
  return perStep;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const port = await freePort();
const registryToken = randomBytes(24).toString('base64url');
const stateDir = mkdtempSync(join(tmpdir(), 'cieid-bench-'));
const log = join(stateDir, 'server.log');
let child = null;
process.once('exit', () => {
  try {
    if (child) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
});

const baseUrl = `http://127.0.0.1:${port}`;
let code = 0;
try {
  await startServer({ runtime, port, registryToken, stateDir, log, onSpawn: (c) => (child = c) });
  console.log(
    `bench:local — ${runtime === 'workerd' ? 'standalone workerd' : 'wrangler dev'} on ${baseUrl}, ${runs} runs of ${n} logins at concurrency ${concurrency}`,
  );
  const results = [];
  for (let run = 1; run <= runs; run++) {
    console.log(`\nrun ${run}/${runs}`);
    const pidsBefore = groupPids(child.pid).join();
    const before = groupCpu(child.pid);
    const memory = watchMemory(child.pid);
    const result = await runBench({ baseUrl, registryToken, n, concurrency });
    const after = groupCpu(child.pid);
    result.serverMemoryMb = memory.stop();
    // wrangler dev restarts workerd when a source file changes (someone editing the tree): the run
    // then paid for a rebuild, and the CPU counters of the old process are gone.
    result.serverRestarted = groupPids(child.pid).join() !== pidsBefore;
    if (result.serverRestarted) console.log('  warning: the server restarted during this run (a source file changed); its numbers are not comparable');
    // Setup (citizens' activation) is inside this window too; only the whole run's share is shown.
    result.serverCpuSeconds = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, Math.round((v - (before[k] ?? 0)) * 100) / 100]));
    printResult(result);
    console.log(`  server CPU during the run (setup included), seconds: ${JSON.stringify(result.serverCpuSeconds)}`);
    console.log(`  server RSS during the run, MB (highest reading; the process's high-water mark): ${JSON.stringify(result.serverMemoryMb)}`);
    results.push(result);
    if (result.failed) code = 1;
  }
  const steps = Object.fromEntries(STEPS.map((s) => [s, { p50: median(results.map((r) => r.steps[s].p50)), p95: median(results.map((r) => r.steps[s].p95)) }]));
  const summary = {
    runtime,
    runs,
    n,
    concurrency,
    flowsPerSecond: median(results.map((r) => r.flowsPerSecond)),
    allRuns: results.map((r) => r.flowsPerSecond),
    flow: { p50: median(results.map((r) => r.flow.p50)), p95: median(results.map((r) => r.flow.p95)) },
    steps,
    serverMemoryMb: results.at(-1).serverMemoryMb,
  };
  console.log(`\nmedian of ${runs} runs: ${summary.flowsPerSecond} flows/s (runs: ${summary.allRuns.join(', ')})`);
  for (const [step, s] of Object.entries(steps)) console.log(`  ${step.padEnd(11)}  p50 ${String(s.p50).padStart(6)} ms   p95 ${String(s.p95).padStart(6)} ms`);
  const perStep = await cpuPerStep(baseUrl, registryToken, child.pid, Math.min(n, 40));
  summary.serverCpuMsPerStep = perStep;
  console.log(`server CPU per step (ms, mean of ${Math.min(n, 40)} sequential logins): ${JSON.stringify(perStep)}`);
  console.log(JSON.stringify(summary));
} catch (err) {
  console.error(`bench:local: ${err instanceof Error ? err.message : String(err)}\n${tail(log)}`);
  code = 2;
} finally {
  if (child) await stopGroup(child);
  rmSync(stateDir, { recursive: true, force: true });
}
process.exit(code);
