import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../../scripts/lib/dev-server.mjs';

/**
 * bench:local and profile-login on their default runtime, standalone workerd, for a handful of
 * logins each: they start their own server, measure it and stop it. profile-login's workerd is a
 * second start of serve:workerd's config with the inspector on (scripts/lib/dev-server.mjs), the
 * part most likely to rot; the figures themselves are not judged on a shared machine.
 */
const RUN_LIMIT_MS = 120_000;

function run(script: string, args: string[]): Promise<{ code: unknown; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'scripts', script), ...args],
      { cwd: root, timeout: RUN_LIMIT_MS, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? (err.code ?? err.signal) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

const inspectConfigs = () => readdirSync(join(root, '.tools', 'workerd')).filter((f) => f.startsWith('inspect-'));

describe('benchmarks on standalone workerd', () => {
  it(
    'profile-login profiles the Worker isolate through workerd’s inspector, with our sources named',
    async () => {
      const { code, output } = await run('profile-login.mjs', ['-n', '3', '--top', '3']);
      expect(code, output).toBe(0);
      expect(output).toMatch(/^profile of 3 sequential logins against workerd on http:\/\/127\.0\.0\.1:\d+ /m);
      expect(output).toMatch(/^== password: /m);
      // The bundle's source map turned index.js positions back into our TypeScript files.
      expect(output).toMatch(/^ +[\d.]+ +functions\/[\w/-]+\.ts$/m);
      expect(output).toMatch(/^worker process CPU per login from \/proc .*: [\d.]+ ms$/m);
      // The copy of the config holds the development secrets: gone once workerd has read it.
      expect(inspectConfigs()).toEqual([]);
    },
    RUN_LIMIT_MS + 10_000,
  );

  it(
    'bench:local completes its logins and reports workerd’s CPU and memory',
    async () => {
      const { code, output } = await run('bench-local.mjs', ['-n', '4', '-c', '2', '--runs', '1']);
      expect(code, output).toBe(0);
      expect(output).toMatch(/^bench:local — standalone workerd on http:\/\/127\.0\.0\.1:\d+/m);
      expect(output).toMatch(/server CPU during the run \(setup included\), seconds: \{.*"workerd":/);
      const summary = JSON.parse(output.trimEnd().split('\n').at(-1)!) as {
        runtime: string;
        flowsPerSecond: number;
        serverMemoryMb: Record<string, { rssMaxMb: number }>;
      };
      expect(summary.runtime).toBe('workerd');
      expect(summary.flowsPerSecond).toBeGreaterThan(0);
      expect(summary.serverMemoryMb.workerd?.rssMaxMb, output).toBeGreaterThan(0);
    },
    RUN_LIMIT_MS + 10_000,
  );
});
