// `npm run bench:compare`: the same complete login (authorization code + PKCE, signed request
// object, password, token with private_key_jwt, encrypted userinfo) driven by the same k6 script
// (load/compare/login.ts) at the same ladder of arrival rates against our service (standalone
// workerd, as `npm run serve:workerd` runs it) and against oidc-provider
// (scripts/lib/oidc-provider-server.mjs), each server pinned to one core and k6 to another where the
// machine allows. Prints flows/s at saturation, step latencies, CPU per flow and the servers' resident
// memory side by side with the ratios ours / theirs, and writes load/results/<timestamp>.json.
//   --runtime R      workerd (default) or wrangler (ours under `wrangler dev`, the figures before issue 15)
//   --runs N         ladders per target (default 3; the medians are reported)
//   --rates LIST     arrival rates in flows/s (default 2,4,8,16,32,64,128); a target's ladder stops at
//                    its first saturated rung
//   --duration S     seconds per rung (default 10)
//   --users N        citizens activated on ours, the same users on oidc-provider (default 40)
//   --quick          a smoke: 1 run, rates 2,4, 4 s per rung, 6 users
//   --max-minutes M  the whole run's limit, after which everything is stopped (default 45, quick 8)
//   --results DIR    where the JSON goes (default load/results)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { OURS, THEIRS, compareResult, formatTable, summarizeLadder } from './lib/compare-report.mjs';
import { cpuFloor, runStep, runningK6 } from './lib/compare-step.mjs';
import { activateCitizens, benchRp, startOurs, startTheirs, writeTargetData } from './lib/compare-targets.mjs';
import { checkRuntime, root, stopGroup } from './lib/dev-server.mjs';
import { K6_BIN } from './lib/k6.mjs';
import { SERVER_CORE, groupAffinity, onCore, pinning } from './lib/pin.mjs';

/** The command line, with the quick or full defaults for what it leaves out. */
function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      runtime: { type: 'string', default: 'workerd' },
      runs: { type: 'string' },
      rates: { type: 'string' },
      duration: { type: 'string' },
      users: { type: 'string' },
      quick: { type: 'boolean', default: false },
      'max-minutes': { type: 'string' },
      results: { type: 'string', default: join(root, 'load', 'results') },
    },
  });
  const defaults = values.quick
    ? { runs: '1', rates: '2,4', duration: '4', users: '6', 'max-minutes': '8' }
    : { runs: '3', rates: '2,4,8,16,32,64,128', duration: '10', users: '40', 'max-minutes': '45' };
  const positive = (name, text = values[name] ?? defaults[name]) => {
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, not ${text}`);
    return n;
  };
  return {
    runtime: checkRuntime(values.runtime),
    runs: Math.round(positive('runs')),
    rates: (values.rates ?? defaults.rates).split(',').map((r) => positive('rates', r)),
    durationS: positive('duration'),
    userCount: Math.round(positive('users')),
    maxMinutes: positive('max-minutes'),
    resultsDir: values.results,
  };
}

let options;
try {
  options = readOptions(process.argv.slice(2));
} catch (err) {
  console.error(`bench:compare: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}
const { runtime, runs, rates, durationS, userCount, maxMinutes, resultsDir } = options;

if (!existsSync(K6_BIN)) {
  console.error(`bench:compare: no k6 at ${K6_BIN}; run \`npm run load:install\` (npm run bench:compare does it first)`);
  process.exit(2);
}

const pin = pinning();
const workDir = mkdtempSync(join(tmpdir(), 'cieid-compare-'));
const servers = new Set();
/** Set when something failed: the servers' logs in workDir are then kept for the reader. */
let keepWorkDir = false;
// Whatever ends this process, the process groups of the servers and of k6 end with it.
process.once('exit', () => {
  for (const child of [...servers, ...runningK6]) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (keepWorkDir) console.error(`bench:compare: the servers' logs are kept in ${workDir}`);
  else rmSync(workDir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));
setTimeout(() => {
  keepWorkDir = true;
  console.error(`bench:compare: still running after ${maxMinutes} minutes; stopping everything`);
  process.exit(3);
}, maxMinutes * 60_000).unref();

/** One PBKDF2-SHA256 100k in Node on the server core: the median of 20, subtracted once per flow. */
function passwordHashMs() {
  const [command, args] = onCore(pin.enabled, SERVER_CORE, process.execPath, [join(root, 'scripts', 'lib', 'node-password-hash.mjs'), '20']);
  const out = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  const ms = Number(out.stdout.trim());
  if (out.status !== 0 || !Number.isFinite(ms)) throw new Error(`measuring the password hash failed: ${out.stderr || out.error}`);
  return ms;
}

const fmt = (x) => (x === null || x === undefined ? '—' : String(x));

function printRung(run, target, r) {
  if (r.error) {
    console.log(`  run ${run}  ${target.padEnd(13)} ${String(r.rate).padStart(4)}/s  ${r.error}\n    ${r.log.join('\n    ')}`);
    return;
  }
  const failures = r.failed ? `  failed ${r.failed} ${JSON.stringify(r.failedAt)}` : '';
  const memory = Object.entries(r.memoryMb ?? {})
    .map(([p, m]) => `${p} ${m.rssMaxMb}`)
    .join(', ');
  console.log(
    `  run ${run}  ${target.padEnd(13)} ${String(r.rate).padStart(4)}/s  completed ${fmt(r.completedPerSec).padStart(6)}/s` +
      `  dropped ${r.dropped}  CPU ${fmt(r.cpuMsPerFlow)} ms/flow  flow p95 ${fmt(r.flow?.p95)} ms  RSS MB ${memory || '—'}` +
      `${failures}${r.saturated ? '  saturated' : ''}${r.restarted ? '  (server restarted: a source file changed)' : ''}`,
  );
  for (const w of r.warnings) console.log(`      ${w}`);
}

async function main() {
  console.log(`bench:compare — ours on ${runtime}, ${runs} run(s), rates ${rates.join(', ')} flows/s, ${durationS} s each, ${userCount} users`);
  console.log(pin.enabled ? `pinned: ${pin.why}` : `could not pin (${pin.why}): figures include the load generator's noise`);

  const rp = await benchRp();
  const track = (child) => servers.add(child);
  const ours = await startOurs(workDir, rp, pin.enabled, track, runtime);
  console.log(`${OURS}: ${runtime === 'workerd' ? 'standalone workerd' : 'wrangler dev'} on ${ours.baseUrl}; activating ${userCount} citizens…`);
  const users = await activateCitizens(ours.baseUrl, ours.registryToken, userCount);
  const theirs = await startTheirs(workDir, rp, users, pin.enabled, track);
  console.log(`${THEIRS}: on ${theirs.baseUrl} with the same RP and users`);
  const targets = { [OURS]: ours, [THEIRS]: theirs };
  const dataFiles = {};
  for (const [name, t] of Object.entries(targets)) {
    dataFiles[name] = join(workDir, `${name}.json`);
    writeTargetData(dataFiles[name], name, t.discovery, rp, users);
  }
  const hashMs = Math.round(passwordHashMs() * 100) / 100;
  console.log(`one PBKDF2-SHA256 100k in Node on the server core: ${hashMs} ms CPU (median of 20), subtracted once per flow for both`);

  // The cheapest request each serves: ours /health, theirs its JWKS (no health route of its own).
  const floor = { [OURS]: await cpuFloor(ours, '/health'), [THEIRS]: await cpuFloor(theirs, '/jwks') };
  for (const [name, f] of Object.entries(floor)) {
    console.log(`${name}: idle ${f.idleCpuMsPerSecond} ms CPU/s, ${f.requestCpuMs} ms CPU per ${f.path} request`);
  }

  const rung = (target, rate, seconds, run) =>
    runStep({ target: targets[target], dataFile: dataFiles[target], rate, durationS: seconds, workDir, pin: pin.enabled, run });
  // Both servers' JITs warm up before anything counts; a failure here is a broken setup, not load.
  for (const name of [OURS, THEIRS]) {
    const warm = await rung(name, rates[0], Math.min(3, durationS), 'warmup');
    if (warm.error || warm.completed === 0 || warm.failed > 0) {
      printRung('warm-up', name, warm);
      throw new Error(`${name}: the warm-up flows did not complete; see the lines above and ${targets[name].log}`);
    }
  }

  const results = [];
  for (let run = 1; run <= runs; run++) {
    // Alternating who goes first, rung by rung, spreads the machine's noise over both.
    const order = run % 2 ? [OURS, THEIRS] : [THEIRS, OURS];
    const rungs = { [OURS]: [], [THEIRS]: [] };
    const done = new Set();
    for (const rate of rates) {
      for (const name of order.filter((n) => !done.has(n))) {
        const r = { ...(await rung(name, rate, durationS, run)), loadavg1: Math.round(loadavg()[0] * 100) / 100 };
        printRung(run, name, r);
        rungs[name].push(r);
        if (r.saturated) done.add(name);
      }
      if (done.size === order.length) break;
    }
    const summary = Object.fromEntries(Object.entries(rungs).map(([name, rs]) => [name, summarizeLadder(rs, { hashMs, floorMs: floor[name].requestCpuMs })]));
    results.push({ run, order, rungs, summary });
  }

  const result = compareResult({
    runs: results,
    hashMs,
    floor,
    meta: {
      created_at: new Date().toISOString(),
      command: `npm run bench:compare -- ${process.argv.slice(2).join(' ')}`.trim(),
      runtime,
      options: { runtime, runs, rates, durationS, users: userCount },
      flow: 'level 1 login: authorize (signed request object, PKCE S256) → login page → password → (ours: consent) → code → token (private_key_jwt) → userinfo (JWS RS256 in JWE ECDH-ES/A256GCM)',
      pinning: { ...pin, affinity: Object.fromEntries(Object.entries(targets).map(([n, t]) => [n, groupAffinity(t.child.pid)])) },
      machine: { cores: availableParallelism(), cpu: cpus()[0]?.model ?? null, node: process.version },
    },
  });
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${result.created_at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

  console.log(`\nmedian of ${runs} run(s), ours on ${runtime}:\n${formatTable(result)}`);
  console.log(
    `\nratio_throughput ${fmt(result.ratio_throughput)}   ratio_cpu_per_flow ${fmt(result.ratio_cpu_per_flow)}   ratio_cpu_per_flow_excluding_hash ${fmt(result.ratio_cpu_per_flow_excluding_hash)}`,
  );
  console.log(`written to ${file}`);
  await Promise.all([...servers].map((child) => stopGroup(child, 5_000)));
  return Number.isFinite(result.ratio_throughput) && Number.isFinite(result.ratio_cpu_per_flow) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    keepWorkDir = true;
    console.error(`bench:compare: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
