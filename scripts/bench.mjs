// `npm run bench`: N complete level 2 SMS logins against a running service, C at a time, each one
// authorize (signed request object) → password → SMS code from the outbox → consent → token →
// userinfo, as an RP and a citizen would make them. Prints flows/s, p50/p95 per step and a JSON line.
//   --base-url URL          default http://127.0.0.1:$PORT (8787), the `npm start` server
//   --registry-token TOKEN  default $REGISTRY_TOKEN, else the one `npm start` wrote into .dev.vars.run
//   -n N                    logins to run (default 200)
//   -c C                    logins in flight at once (default 8)
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { activate, issueCard, loginToRp } from './lib/citizen-flows.mjs';
import { randomCitizen } from './lib/citizens.mjs';
import { runningToken } from './lib/dev-server.mjs';
import { createRp } from './lib/rp.mjs';

/**
 * A citizen gets at most OTP_DAILY_CAP (10) SMS codes a day and activation spends one, so each
 * citizen serves a few logins, and only ever one at a time: two logins of one citizen in flight
 * would read each other's code from the outbox.
 */
const LOGINS_PER_CITIZEN = 8;
export const STEPS = ['authorize', 'password', 'otp', 'consent', 'token', 'userinfo', 'outbox'];

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN);
const round = (x) => Math.round(x * 10) / 10;

async function pool(count, concurrency, work) {
  let next = 0;
  const runners = Array.from({ length: Math.min(concurrency, count) }, async (_, worker) => {
    for (let i = next++; i < count; i = next++) await work(i, worker);
  });
  await Promise.all(runners);
}

/** Citizens with activated credentials, `perWorker` for each of `workers` (activation over HTTP). */
async function citizensFor(baseUrl, registryToken, workers, perWorker, concurrency) {
  const all = new Array(workers * perWorker);
  await pool(all.length, concurrency, async (i) => {
    const citizen = randomCitizen();
    const card = await issueCard(baseUrl, registryToken, citizen);
    all[i] = await activate(baseUrl, { citizen, card });
  });
  return Array.from({ length: workers }, (_, w) => all.slice(w * perWorker, (w + 1) * perWorker));
}

/**
 * `probe(step)` is called as each step ends, and with null as a flow's first step begins: bench:local
 * uses it to read the server's CPU time per step (meaningful at concurrency 1 only).
 */
export async function runBench({ baseUrl, registryToken, n = 200, concurrency = 8, log = console.log, probe = () => {} }) {
  const setupStart = performance.now();
  const rp = await createRp(baseUrl, registryToken, { name: 'Comune del Bench' });
  const perWorker = Math.ceil(Math.ceil(n / concurrency) / LOGINS_PER_CITIZEN);
  const citizens = await citizensFor(baseUrl, registryToken, concurrency, perWorker, concurrency);
  log(`setup: RP registered, ${concurrency * perWorker} citizens issued and activated in ${round((performance.now() - setupStart) / 1000)} s`);

  const samples = Object.fromEntries(STEPS.map((s) => [s, []]));
  const totals = [];
  const failures = [];
  const used = citizens.map(() => 0);
  const started = performance.now();
  await pool(n, concurrency, async (_, worker) => {
    const who = citizens[worker][Math.floor(used[worker]++ / LOGINS_PER_CITIZEN)];
    const flowStart = performance.now();
    let last = flowStart;
    const mark = (step) => {
      const now = performance.now();
      samples[step].push(now - last);
      last = now;
      probe(step);
    };
    try {
      const request = await rp.authorizationRequest({ level: 2, scope: 'openid profile' });
      last = performance.now(); // signing the request object is the RP's work, not the server's
      probe(null);
      const callback = await loginToRp(baseUrl, request.url, { username: who.citizen.fiscalCode, password: who.password, phone: who.citizen.phone }, mark);
      const tokens = await rp.exchange(callback, request);
      mark('token');
      const claims = await rp.userinfo(tokens.access_token);
      if (claims.given_name !== who.citizen.givenName) throw new Error(`userinfo names ${claims.given_name}, not ${who.citizen.givenName}`);
      mark('userinfo');
      totals.push(performance.now() - flowStart);
    } catch (err) {
      failures.push(err instanceof Error ? err.message : String(err));
    }
  });
  const seconds = (performance.now() - started) / 1000;

  const steps = {};
  for (const step of STEPS) {
    const sorted = samples[step].sort((a, b) => a - b);
    steps[step] = { p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), count: sorted.length };
  }
  const sortedTotals = totals.sort((a, b) => a - b);
  return {
    n,
    concurrency,
    ok: totals.length,
    failed: failures.length,
    seconds: round(seconds),
    flowsPerSecond: round(totals.length / seconds),
    flow: { p50: round(percentile(sortedTotals, 50)), p95: round(percentile(sortedTotals, 95)) },
    steps,
    failures: failures.slice(0, 5),
  };
}

export function printResult(result, log = console.log) {
  log(`\n${result.ok}/${result.n} logins in ${result.seconds} s at concurrency ${result.concurrency}: ${result.flowsPerSecond} flows/s`);
  log(`  whole flow   p50 ${result.flow.p50} ms   p95 ${result.flow.p95} ms`);
  for (const [step, s] of Object.entries(result.steps)) {
    log(`  ${step.padEnd(11)}  p50 ${String(s.p50).padStart(6)} ms   p95 ${String(s.p95).padStart(6)} ms   (${s.count})`);
  }
  log('  (outbox: reading the SMS code from the development outbox, twice per flow — test-hook overhead, not a login step)');
  if (result.failed) log(`  ${result.failed} failed, e.g.:\n    ${result.failures.join('\n    ')}`);
  log(JSON.stringify(result));
}

/** The command line of bench (and of bench:local, which adds `extra` options of its own). */
export function benchOptions(argv = process.argv.slice(2), extra = {}) {
  const { values } = parseArgs({
    args: argv,
    options: {
      'base-url': { type: 'string' },
      'registry-token': { type: 'string' },
      n: { type: 'string', short: 'n', default: '200' },
      c: { type: 'string', short: 'c', default: '8' },
      ...extra,
    },
  });
  const n = Number(values.n);
  const concurrency = Number(values.c);
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error('-n and -c must be positive integers');
  }
  return { ...values, baseUrl: values['base-url'], registryToken: values['registry-token'], n, concurrency };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const options = benchOptions();
    const baseUrl = options.baseUrl ?? `http://127.0.0.1:${process.env.PORT ?? 8787}`;
    const registryToken = options.registryToken ?? (process.env.REGISTRY_TOKEN || runningToken());
    if (!registryToken) throw new Error('No registry token: pass --registry-token, set REGISTRY_TOKEN, or start the service with `npm start` first.');
    const result = await runBench({ ...options, baseUrl, registryToken });
    printResult(result);
    process.exit(result.failed ? 1 : 0);
  } catch (err) {
    console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  }
}
