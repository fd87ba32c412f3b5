import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VENV_PYTHON } from '../../scripts/interop/lab.mjs';
import { root } from '../../scripts/lib/dev-server.mjs';

/**
 * scripts/interop/install.sh is idempotent: `npm run test:interop` has just installed the venv, so a
 * second run reuses it without pip; a venv whose stamp names other requirements is not trusted.
 */
const install = (env: Record<string, string> = {}) =>
  spawnSync('bash', [join(root, 'scripts', 'interop', 'install.sh')], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });

describe('scripts/interop/install.sh', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'cieid-interop-install-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('keeps the installed venv and prints its python', () => {
    const run = install();
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('already installed');
    expect(run.stdout.trim().split('\n').pop()).toBe(VENV_PYTHON);
  });

  it('does not trust a venv installed from other requirements', () => {
    // A venv with a python but a stale stamp, and a package index that cannot answer: the script must
    // rebuild it (and fail here, fast) rather than answer "already installed".
    const venv = join(scratch, 'venv');
    mkdirSync(join(venv, 'bin'), { recursive: true });
    writeFileSync(join(venv, 'bin', 'python'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    writeFileSync(join(venv, '.requirements.sha256'), 'another\n');
    const run = install({ INTEROP_VENV: venv, PIP_INDEX_URL: 'http://127.0.0.1:9/simple', PIP_RETRIES: '0', PIP_TIMEOUT: '1' });
    expect(run.stderr).not.toContain('already installed');
    expect(run.stderr).toContain('installing spid-cie-oidc');
    expect(run.status).not.toBe(0);
  });
});
