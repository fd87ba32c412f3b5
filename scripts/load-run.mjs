// `npm run load -- --scenario NAME --base-url URL --registry-token T [--rate R] [--duration D] [--results DIR]`:
// one k6 scenario of load/scenarios against a deployment. k6's exit code is ours: a failed threshold
// makes it non-zero (99). Beside our summary (load/lib/summary.ts: `<scenario>-<time>.json` and
// `.html`) k6's web dashboard writes its report, `<scenario>-<time>-dashboard.html`: latency, request
// rate, VUs and failures over time, the charts SREs read a run by. See load/README.md.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort, root, runningToken } from './lib/dev-server.mjs';
import { K6_BIN } from './lib/k6.mjs';

const SCENARIOS_DIR = join(root, 'load', 'scenarios');
const scenarios = readdirSync(SCENARIOS_DIR)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -3))
  .sort();

const USAGE = `usage: npm run load -- --scenario NAME --base-url URL [--registry-token T] [--rate R] [--duration D] [--results DIR]
  --scenario        one of: ${scenarios.join(', ')}
  --base-url        the deployment, http(s)://host[:port] (it needs test hooks: the SMS codes are read from /__test/outbox)
  --registry-token  the registry API token (or REGISTRY_TOKEN in the environment; for a local npm start, read from its .dev.vars.run)
  --rate            iterations per second, instead of the scenario's default (peak: the login rate at the top of the ramp)
  --duration        a k6 duration (30s, 5m, 1m30s), instead of the scenario's default
  --results         where the JSON and HTML summaries and the dashboard's charts go (default load/results)`;

function fail(message) {
  console.error(`load: ${message}\n\n${USAGE}`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      scenario: { type: 'string' },
      'base-url': { type: 'string' },
      'registry-token': { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      results: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }));
} catch (err) {
  fail(err.message);
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const scenario = values.scenario;
if (!scenario) fail('--scenario is required');
if (!scenarios.includes(scenario)) fail(`unknown scenario "${scenario}"`);

const baseUrl = (values['base-url'] ?? '').replace(/\/+$/, '');
if (!baseUrl) fail('--base-url is required');
let parsed;
try {
  parsed = new URL(baseUrl);
} catch {
  fail(`--base-url "${baseUrl}" is not a URL`);
}
if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') fail(`--base-url must be http or https, not ${parsed.protocol}`);
if (parsed.search || parsed.hash || parsed.username) fail('--base-url must have no query, fragment or credentials');

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const registryToken = values['registry-token'] ?? process.env.REGISTRY_TOKEN ?? (LOOPBACK.has(parsed.hostname) ? runningToken() : null);
if (!registryToken) fail('a registry token is required: --registry-token T or REGISTRY_TOKEN (setup() creates RPs and cards through the registry API)');

if (values.rate !== undefined && !(Number(values.rate) > 0)) fail(`--rate must be a positive number, not "${values.rate}"`);
if (values.duration !== undefined && !/^(?:\d+(?:\.\d+)?(?:h|m|s|ms))+$/.test(values.duration)) {
  fail(`--duration must be a k6 duration such as 30s, 5m or 1m30s, not "${values.duration}"`);
}

if (!existsSync(K6_BIN)) {
  console.error(`load: k6 is not installed at ${K6_BIN}: run \`npm run load:install\` first (it builds the pinned k6 with Go)`);
  process.exit(2);
}

const resultsDir = resolve(values.results ?? join(root, 'load', 'results'));
mkdirSync(resultsDir, { recursive: true });

const env = ['BASE_URL', baseUrl, 'RESULTS_DIR', resultsDir];
if (values.rate !== undefined) env.push('RATE', values.rate);
if (values.duration !== undefined) env.push('DURATION', values.duration);
const args = ['run', ...env.flatMap((v, i) => (i % 2 ? [] : ['-e', `${v}=${env[i + 1]}`]))];
// Outside a terminal the progress bar is one line a second of noise in CI logs.
if (!process.stdout.isTTY) args.push('--quiet');
args.push(join(SCENARIOS_DIR, `${scenario}.ts`));

const startedAt = Date.now();
const stamp = (ms) =>
  new Date(ms)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
let dashboard = join(resultsDir, `${scenario}-${stamp(startedAt)}-dashboard.html`);
/**
 * k6's web dashboard, for its HTML report. Its live page cannot be turned off: port -1, which k6's
 * documentation gives for that, makes k6 v2.2.0 listen on every interface at a random port instead
 * (checked with `ss -ltnp`). So it listens on 127.0.0.1 only, at a free port (K6_WEB_DASHBOARD_PORT
 * to choose one). One period a second (unless K6_WEB_DASHBOARD_PERIOD says otherwise): k6 skips the
 * report when a run spans fewer than two periods, and its default of 10 s would leave the smoke runs
 * of the e2e tests without one; for long runs k6 widens the period itself (at most 2,880 points).
 */
const requestedPort = Number(process.env.K6_WEB_DASHBOARD_PORT);
const dashboardPort = Number.isInteger(requestedPort) && requestedPort > 0 && requestedPort < 65536 ? requestedPort : await freePort();
const dashboardEnv = {
  K6_WEB_DASHBOARD: 'true',
  K6_WEB_DASHBOARD_HOST: '127.0.0.1',
  K6_WEB_DASHBOARD_PORT: String(dashboardPort),
  K6_WEB_DASHBOARD_PERIOD: process.env.K6_WEB_DASHBOARD_PERIOD || '1s',
  K6_WEB_DASHBOARD_OPEN: 'false',
  K6_WEB_DASHBOARD_EXPORT: dashboard,
};

console.log(`load: ${scenario} against ${baseUrl}${values.rate ? `, rate ${values.rate}/s` : ''}${values.duration ? `, ${values.duration}` : ''}`);
// The live page holds k6 at the end for as long as a browser keeps it open (k6's own behaviour).
console.log(`load: live charts at http://127.0.0.1:${dashboardPort} while k6 runs (close the tab before the end, or k6 waits for it)`);
// The token goes through the environment (k6 reads it into __ENV), not the command line that `ps` shows.
const child = spawn(K6_BIN, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...dashboardEnv, REGISTRY_TOKEN: registryToken } });
// Ctrl-C reaches k6 from the terminal itself (one SIGINT: it stops and still writes the summary; a
// forwarded second one would make it quit without). A SIGTERM sent to this process alone is passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  // Named after the summary the run wrote (its time is the run's end), so the three files sort together.
  const summaries = readdirSync(resultsDir).filter(
    (f) => f.startsWith(`${scenario}-`) && f.endsWith('.json') && statSync(join(resultsDir, f)).mtimeMs >= startedAt - 1_000,
  );
  if (existsSync(dashboard) && summaries.length === 1) {
    const paired = join(resultsDir, summaries[0].replace(/\.json$/, '-dashboard.html'));
    renameSync(dashboard, paired);
    dashboard = paired;
  }
  // Last, where a reader of the run's end looks: the charts beside the summary's files.
  if (existsSync(dashboard) && statSync(dashboard).size > 0) console.log(`load: charts (k6 web dashboard): ${pathToFileURL(dashboard).href}`);
  else console.log('load: no charts: k6 wrote no dashboard report (it skips a run shorter than two periods of K6_WEB_DASHBOARD_PERIOD)');
  if (signal) console.error(`load: k6 ended by ${signal}`);
  else if (code === 99) console.error('load: thresholds failed (k6 exit code 99)');
  else if (code !== 0) console.error(`load: k6 exited with code ${code}`);
  process.exit(code ?? 1);
});
