// `npm run load:memory -- [--rate R] [--duration D]`: is the production runtime's memory bounded under
// a click day's load? The service on standalone workerd (serve:workerd, its own state), k6's `peak`
// scenario against it for D (default 10m; the ramp holds its top rate for the middle half), and
// workerd's resident memory sampled every 5 s from /proc. It prints the samples by minute and
// compares the start and the end of the hold — the same load, minutes apart: growth above 10 %
// there is memory that load leaves behind, and the run fails.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, root, startServer, stopGroup } from './lib/dev-server.mjs';
import { commandLine, groupPids, procStat } from './lib/proc-cpu.mjs';

const { values } = parseArgs({ options: { rate: { type: 'string', default: '8' }, duration: { type: 'string', default: '10m' } } });
const rate = Number(values.rate);
if (!(rate > 0 && rate <= 1000)) throw new Error(`--rate must be a positive number of logins/s, not ${values.rate}`);
const match = /^(\d+)m$/.exec(values.duration);
if (!match || Number(match[1]) < 2 || Number(match[1]) > 120) throw new Error(`--duration must be whole minutes, 2m to 120m, not ${values.duration}`);
const seconds = Number(match[1]) * 60;

/** Resident memory (MB) of a process, from /proc/<pid>/status; null once it is gone. */
function rssMb(pid) {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) / 1024 : null;
  } catch {
    return null;
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

const stateDir = mkdtempSync(join(tmpdir(), 'cieid-memory-'));
const log = join(stateDir, 'server.log');
const port = await freePort();
const registryToken = randomBytes(24).toString('base64url');
let server;
let k6;
const stop = async () => {
  if (k6 && k6.exitCode === null) k6.kill('SIGTERM');
  if (server) await stopGroup(server);
};
process.on('SIGINT', () => stop().then(() => process.exit(130)));

try {
  ({ child: server } = await startServer({ runtime: 'workerd', port, registryToken, stateDir, log, onSpawn: (c) => (server = c) }));
  const workerdPid = () => groupPids(server.pid).find((pid) => procStat(pid)?.name === 'workerd' && commandLine(pid).includes('serve'));
  const results = join(root, 'load', 'results');
  mkdirSync(results, { recursive: true });
  const started = Date.now();
  const samples = [];
  k6 = spawn(
    process.execPath,
    [
      join(root, 'scripts', 'load-run.mjs'),
      '--scenario',
      'peak',
      '--base-url',
      `http://127.0.0.1:${port}`,
      // `=` joined: a base64url token may start with "-", which a separate argument would read as an option.
      `--registry-token=${registryToken}`,
      `--rate=${rate}`,
      `--duration=${values.duration}`,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let k6Out = '';
  k6.stdout.on('data', (chunk) => {
    k6Out += chunk;
  });
  const timer = setInterval(() => {
    const pid = workerdPid();
    const mb = pid ? rssMb(pid) : null;
    if (mb !== null) samples.push({ t: (Date.now() - started) / 1000, mb });
  }, 5000);
  const code = await new Promise((done) => k6.on('exit', (c) => done(c ?? 1)));
  clearInterval(timer);
  // k6's setup (activating the pool of citizens) comes before the ramp, of a length nobody knows in
  // advance; the ramp is the last `seconds` before k6 ended (its summary takes a moment more, so the
  // windows below lean a few seconds early — within the hold either way).
  const rampStart = (Date.now() - started) / 1000 - seconds;
  for (const s of samples) s.ramp = s.t >= rampStart ? s.t - rampStart : null;

  console.log(k6Out.split('\n').slice(-25).join('\n'));
  console.log('\nworkerd RSS by minute of the ramp (MB: median of the 5 s samples, highest)');
  const inRamp = samples.filter((s) => s.ramp !== null && s.ramp <= seconds);
  for (let m = 0; m * 60 < seconds; m++) {
    const minute = inRamp.filter((s) => s.ramp >= m * 60 && s.ramp < (m + 1) * 60).map((s) => s.mb);
    if (minute.length)
      console.log(
        `  minute ${String(m + 1).padStart(3)}: ${median(minute).toFixed(1).padStart(7)} ${Math.max(...minute)
          .toFixed(1)
          .padStart(7)}`,
      );
  }
  // The hold is 30 %…80 % of the ramp (load/scenarios/peak.ts SHAPE): its first and last fifths.
  const hold = (from, to) => inRamp.filter((s) => s.ramp >= seconds * from && s.ramp < seconds * to).map((s) => s.mb);
  const early = median(hold(0.3, 0.4));
  const late = median(hold(0.7, 0.8));
  const growth = (late - early) / early;
  const verdict = {
    rate,
    duration: values.duration,
    samples: samples.length,
    holdEarlyMb: early,
    holdLateMb: late,
    growth,
    highestMb: Math.max(...samples.map((s) => s.mb)),
    k6Exit: code,
  };
  const file = join(results, `memory-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ ...verdict, samplesMb: samples }, null, 2));
  console.log(
    `\nhold: ${early.toFixed(1)} MB at its start, ${late.toFixed(1)} MB at its end (${(growth * 100).toFixed(1)} %); highest ${verdict.highestMb.toFixed(1)} MB`,
  );
  console.log(`samples: ${file}`);
  const bounded = Number.isFinite(growth) && growth <= 0.1;
  console.log(bounded ? 'memory: bounded (≤ 10 % over the hold)' : 'memory: NOT bounded, or too few samples');
  process.exitCode = bounded && code === 0 ? 0 : 1;
} finally {
  await stop();
  rmSync(stateDir, { recursive: true, force: true });
}
