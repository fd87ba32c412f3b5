import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from '../../scripts/lib/dev-server.mjs';

/**
 * `npm run bench:compare -- --quick` end to end, so the side-by-side benchmark never rots: it starts
 * ours on standalone workerd (its default runtime) and oidc-provider, completes logins on both at two
 * low rates, exits 0 and writes a result whose ratios are numbers, with each server's resident memory
 * at saturation. Its figures are not judged here (a busy test machine makes them noise); the
 * benchmark's own run is where they are read. `--runtime wrangler` is not run here: one more server
 * start and ladder would double this test's share of CI for a path the e2e server already exercises.
 */
const results = mkdtempSync(join(tmpdir(), 'cieid-bench-compare-'));
afterAll(() => rmSync(results, { recursive: true, force: true }));

/** The script stops itself after --max-minutes; this limit only catches a hang of the script itself. */
const RUN_LIMIT_MS = 150_000;

function benchCompare(extra: string[] = []): Promise<{ code: unknown; output: string }> {
  const args = ['scripts/bench-compare.mjs', '--quick', '--max-minutes', '2', '--results', results, ...extra];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd: root, timeout: RUN_LIMIT_MS, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? (err.code ?? err.signal) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

interface CompareResult {
  runtime: string;
  ratio_throughput: number;
  ratio_cpu_per_flow: number;
  ratio_cpu_per_flow_excluding_hash: number;
  median: Record<
    'cieid' | 'oidc-provider',
    {
      throughput: number;
      cpuMsPerFlow: number;
      cpuMsPerFlowByProcess: Record<string, number>;
      memoryMbAtSaturation: Record<string, { rssMaxMb: number; peakMb: number }>;
    }
  >;
  runs: Array<{ rungs: Record<string, Array<{ completed: number; failed: number }>> }>;
}

describe('bench:compare --quick', () => {
  it(
    'completes logins on both targets and writes finite ratios',
    async () => {
      const { code, output } = await benchCompare();
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
      expect(result.runtime).toBe('workerd');
      // On workerd one process serves: the Worker's CPU and memory are workerd's own.
      expect(result.median.cieid.cpuMsPerFlowByProcess.workerd, output).toBeGreaterThan(0);
      expect(result.median.cieid.memoryMbAtSaturation.workerd?.rssMaxMb, output).toBeGreaterThan(0);
      expect(result.median['oidc-provider'].memoryMbAtSaturation.node?.rssMaxMb, output).toBeGreaterThan(0);
      expect(output).toMatch(/ratio_throughput \d/);
      expect(output).toMatch(/^RSS MB at saturation.*workerd \d/m);
    },
    RUN_LIMIT_MS + 10_000,
  );

  it('refuses a runtime it does not know, before starting anything', async () => {
    const { code, output } = await benchCompare(['--runtime', 'node']);
    expect(code, output).toBe(2);
    expect(output).toContain('--runtime must be workerd or wrangler, not node');
  });
});
