import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { root } from '../../scripts/lib/dev-server.mjs';

/**
 * The k6 scenarios (load/) run for a few seconds each at a low rate against the e2e server, through
 * `npm run load`'s script, so that they never rot: every correctness threshold must pass (no failed
 * request, checks ≥ 99.9 %) and the JSON summary must show iterations in every part of the scenario;
 * k6's web dashboard report (the charts over time) must lie beside it, named after it, and the run's
 * last lines must link to it.
 * The capacity thresholds (p95 per endpoint, dropped iterations) are the SREs' budgets for a real
 * deployment; judged on a dozen requests to a shared CI machine's `wrangler dev` they measure the
 * machine, so here they may fail (k6 exit 99) without failing the test.
 */
const baseUrl = inject('baseUrl');
const registryToken = inject('registryToken');
const results = mkdtempSync(join(tmpdir(), 'cieid-load-smoke-'));
afterAll(() => rmSync(results, { recursive: true, force: true }));

/**
 * k6 stops by itself: setup within its setupTimeout (60 s and more for big pools, load/lib/scenario),
 * then the duration and a graceful stop. This limit only catches a hang, so it stays above all that.
 */
const RUN_LIMIT_MS = 180_000;
/** k6's exit code when thresholds failed (and nothing else went wrong). */
const THRESHOLDS_FAILED = 99;
const CAPACITY_METRICS = new Set(['http_req_duration', 'dropped_iterations']);
const isCapacity = (t: { metric: string }) => CAPACITY_METRICS.has(t.metric.split('{')[0]!);

function runLoad(scenario: string, duration: string): Promise<{ code: number | null; output: string }> {
  const args = [
    'scripts/load-run.mjs',
    '--scenario',
    scenario,
    '--base-url',
    baseUrl,
    '--registry-token',
    registryToken,
    '--rate',
    '2',
    '--duration',
    duration,
    '--results',
    join(results, scenario),
  ];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d));
    child.stderr.on('data', (d: Buffer) => (output += d));
    const timer = setTimeout(() => child.kill('SIGTERM'), RUN_LIMIT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

interface Summary {
  scenarios: { scenario: string; iterations: number }[];
  failedThresholds: number;
  thresholds: { metric: string; expression: string; ok: boolean }[];
}

function summaryOf(scenario: string, output: string): Summary {
  const dir = join(results, scenario);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
  expect(files, output).toHaveLength(1);
  const base = files[0]!.replace(/\.json$/, '');
  expect(
    readdirSync(dir)
      .filter((f) => f.endsWith('.html'))
      .sort(),
    output,
  ).toEqual([`${base}-dashboard.html`, `${base}.html`]);
  const dashboard = join(dir, `${base}-dashboard.html`);
  expect(statSync(dashboard).size, output).toBeGreaterThan(0);
  expect(readFileSync(dashboard, 'utf8').slice(0, 200).toLowerCase(), output).toContain('<!doctype html');
  const lines = output.trimEnd().split('\n');
  expect(lines.slice(-3).join('\n'), output).toContain(`load: charts (k6 web dashboard): ${pathToFileURL(dashboard).href}`);
  expect(output).toMatch(/^load: live charts at http:\/\/127\.0\.0\.1:\d+ /m);
  return JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')) as Summary;
}

describe('load scenarios, smoke runs', () => {
  it.each([
    ['login-sms', '5s'],
    ['token', '5s'],
    ['qr-wait', '5s'],
    ['activation', '5s'],
    ['peak', '10s'],
  ])(
    '%s runs clean for %s at 2/s',
    async (scenario, duration) => {
      const { code, output } = await runLoad(scenario, duration);
      expect([0, THRESHOLDS_FAILED], output).toContain(code);
      const summary = summaryOf(scenario, output);
      expect(summary.thresholds.length).toBeGreaterThan(0);
      expect(
        summary.thresholds.filter((t) => !t.ok && !isCapacity(t)),
        output,
      ).toEqual([]);
      expect(code === THRESHOLDS_FAILED, output).toBe(summary.failedThresholds > 0);
      expect(summary.scenarios.length).toBeGreaterThan(0);
      for (const part of summary.scenarios) expect(part.iterations, `${part.scenario}\n${output}`).toBeGreaterThan(0);
    },
    RUN_LIMIT_MS + 10_000,
  );
});
