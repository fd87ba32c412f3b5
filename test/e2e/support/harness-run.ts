import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { root } from '../../../scripts/lib/dev-server.mjs';

/**
 * Runs the conformance harness — every suite, as QA runs it against a deployment — against
 * `baseUrl`, and requires it to pass: the harness's own lines say which check broke and why.
 */
export async function expectHarnessPasses(
  baseUrl: string,
  registryToken: string,
  reportName: string,
  trustAnchor: { url: string; adminToken: string },
): Promise<void> {
  const reportDir = join(root, 'test-results', reportName);
  const args = [
    join(root, 'harness', 'bin', 'cie-harness.mjs'),
    'run',
    '--base-url',
    baseUrl,
    '--report',
    reportDir,
    '--concurrency',
    '4',
    // Suite federation's Trust Anchor, the one the server was configured to trust.
    '--federation-ta',
    trustAnchor.url,
  ];
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    // Through the environment: a random token may start with "-", which a command line reads as an option.
    const env = { ...process.env, REGISTRY_TOKEN: registryToken, FEDERATION_TA_TOKEN: trustAnchor.adminToken, NO_COLOR: '1' };
    const child = spawn(process.execPath, args, { cwd: root, env });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', reject);
    child.once('close', (exitCode) => resolve({ code: exitCode, output }));
  });
  expect(code, `${output}\nreport: ${join(reportDir, 'report.html')}`).toBe(0);
  expect(output.trimEnd().split('\n').at(-1)).toMatch(/^harness: [1-9]\d* passed, 0 failed$/);
  expect(existsSync(join(reportDir, 'junit.xml'))).toBe(true);
  expect(existsSync(join(reportDir, 'report.html'))).toBe(true);
}
