import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from '../../scripts/lib/dev-server.mjs';

/**
 * `npm run bench:compare -- --quick` end to end, so the side-by-side benchmark never rots: it starts
 * its own wrangler dev and oidc-provider, completes logins on both at two low rates, exits 0 and
 * writes a result whose ratios are numbers. Its figures are not judged here (a busy test machine
 * makes them noise); the benchmark's own run is where they are read.
 */
const results = mkdtempSync(join(tmpdir(), 'cieid-bench-compare-'));
afterAll(() => rmSync(results, { recursive: true, force: true }));

/** The script stops itself after --max-minutes; this limit only catches a hang of the script itself. */
const RUN_LIMIT_MS = 150_000;

function benchCompareQuick(): Promise<{ code: unknown; output: string }> {
  const args = ['scripts/bench-compare.mjs', '--quick', '--max-minutes', '2', '--results', results];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: root, timeout: RUN_LIMIT_MS, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? (err.code ?? err.signal) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

interface CompareResult {
  ratio_throughput: number;
  ratio_cpu_per_flow: number;
  ratio_cpu_per_flow_excluding_hash: number;
  median: Record<'cieid' | 'oidc-provider', { throughput: number; cpuMsPerFlow: number }>;
  runs: Array<{ rungs: Record<string, Array<{ completed: number; failed: number }>> }>;
}

describe('bench:compare --quick', () => {
  it(
    'completes logins on both targets and writes finite ratios',
    async () => {
      const { code, output } = await benchCompareQuick();
      expect(code, output).toBe(0);
      const files = readdirSync(results).filter((f) => f.endsWith('.json'));
      expect(files, output).toHaveLength(1);
      const result = JSON.parse(readFileSync(join(results, files[0]!), 'utf8')) as CompareResult;
      for (const key of ['ratio_throughput', 'ratio_cpu_per_flow', 'ratio_cpu_per_flow_excluding_hash'] as const) {
        expect(Number.isFinite(result[key]), `${key} = ${result[key]}`).toBe(true);
      }
      for (const target of ['cieid', 'oidc-provider'] as const) {
        expect(result.median[target].throughput).toBeGreaterThan(0);
        const rungs = result.runs[0]!.rungs[target]!;
        expect(
          rungs.reduce((n, r) => n + r.completed, 0),
          `${target} completed no flow:\n${output}`,
        ).toBeGreaterThan(0);
      }
      expect(output).toMatch(/ratio_throughput \d/);
    },
    RUN_LIMIT_MS + 10_000,
  );
});
