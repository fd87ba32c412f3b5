import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { goCanBuildK6 } from '../../scripts/lib/go-version.mjs';

/**
 * `npm test` installs the Chromium it needs on a fresh machine (scripts/install-chromium.sh through
 * scripts/apt-install.sh). Its decisions run here against a PATH holding only stand-ins for `id`, `sudo`
 * and `apt-get` that record how they were called, so every branch is taken without touching the machine.
 */
const root = join(import.meta.dirname, '..', '..');
let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

interface Machine {
  uid: number;
  /** 'none': no sudo on the PATH; 'password': sudo asks for one (so `sudo -n` fails); 'nopasswd': it runs. */
  sudo?: 'none' | 'password' | 'nopasswd';
  apt?: boolean;
  /** Chromium already at Debian's place. */
  installed?: boolean;
}

function run(machine: Machine, extraEnv: Record<string, string> = {}, fromScripts = false) {
  const dir = mkdtempSync(join(tmpdir(), 'cieid-install-'));
  dirs.push(dir);
  const bin = join(dir, 'bin');
  const log = join(dir, 'calls.log');
  const chromium = join(dir, 'chromium');
  const script = (name: string, body: string) => {
    const path = join(bin, name);
    writeFileSync(path, `#!/bin/bash\n${body}\n`);
    chmodSync(path, 0o755);
  };
  spawnSync('/bin/mkdir', [bin]);
  script('id', `echo ${machine.uid}`);
  if (machine.sudo === 'password') script('sudo', `echo "sudo $*" >> ${log}; exit 1`);
  if (machine.sudo === 'nopasswd') script('sudo', `echo "sudo $*" >> ${log}; [ "$1" = -n ] && shift; "$@"`);
  // Debian's apt-get as seen from here: install puts the binary in place.
  if (machine.apt !== false) {
    script('apt-get', `echo "apt-get $*" >> ${log}; if [ "$1" = install ]; then printf '#!/bin/bash\\n' > ${chromium}; /bin/chmod +x ${chromium}; fi`);
  }
  if (machine.installed) {
    writeFileSync(chromium, '#!/bin/bash\n');
    chmodSync(chromium, 0o755);
  }
  const out = spawnSync('/bin/bash', [fromScripts ? 'install-chromium.sh' : join(root, 'scripts', 'install-chromium.sh')], {
    encoding: 'utf8',
    cwd: fromScripts ? join(root, 'scripts') : root,
    env: { PATH: bin, DEBIAN_CHROMIUM: chromium, ...extraEnv },
  });
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  return { status: out.status, stdout: out.stdout, stderr: out.stderr.trim(), calls, chromium };
}

describe('npm test brings its own Chromium (scripts/install-chromium.sh)', () => {
  it('does nothing when Chromium is there', () => {
    const r = run({ uid: 1000, sudo: 'none', installed: true });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([]);
  });

  it('installs it with apt-get as root, after refreshing the package list', () => {
    const r = run({ uid: 0, sudo: 'none' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.calls[0]).toMatch(/^apt-get update/);
    expect(r.calls[1]).toMatch(/^apt-get install .*\bchromium\b/);
    expect(existsSync(r.chromium)).toBe(true);
  });

  it('finds its helper when started from inside scripts/', () => {
    const r = run({ uid: 0, sudo: 'none' }, {}, true);
    expect(r.status, r.stderr).toBe(0);
    expect(r.calls[1]).toMatch(/^apt-get install .*\bchromium\b/);
  });

  it('installs it through sudo when sudo asks no password', () => {
    const r = run({ uid: 1000, sudo: 'nopasswd' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.calls).toContain('sudo -n true');
    expect(r.calls.some((c) => /^sudo -n apt-get install .*\bchromium\b/.test(c))).toBe(true);
    expect(r.calls.filter((c) => c.startsWith('apt-get install'))).toHaveLength(1);
  });

  for (const sudo of ['none', 'password'] as const) {
    it(`without root and with sudo ${sudo === 'none' ? 'missing' : 'asking a password'}: one line saying what to run, and a failure`, () => {
      const r = run({ uid: 1000, sudo });
      expect(r.status).not.toBe(0);
      expect(r.stderr.split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('sudo apt-get update && sudo apt-get install -y chromium');
      expect(r.calls.filter((c) => c.startsWith('apt-get'))).toEqual([]);
    });
  }

  it('off Debian (no apt-get): one line, and a failure', () => {
    const r = run({ uid: 0, apt: false });
    expect(r.status).not.toBe(0);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no apt-get/);
  });

  it('CHROMIUM_PATH is taken as it is, and said so when it is wrong', () => {
    const ok = run({ uid: 1000, sudo: 'none', installed: true }, {});
    const given = run({ uid: 1000, sudo: 'none' }, { CHROMIUM_PATH: ok.chromium });
    expect(given.status).toBe(0);
    expect(given.calls).toEqual([]);
    const wrong = run({ uid: 0 }, { CHROMIUM_PATH: '/nonexistent/chromium' });
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toContain('CHROMIUM_PATH=/nonexistent/chromium');
    expect(wrong.calls).toEqual([]);
  });
});

describe('npm test builds k6 only with a Go that can (scripts/load-install.mjs)', () => {
  it("Go 1.21 or newer fetches the toolchain load/k6/go.mod asks for; Debian 12's 1.19 cannot, and is refused", () => {
    expect(goCanBuildK6('go version go1.26.8 linux/amd64')).toBe(true);
    expect(goCanBuildK6('go version go1.21.0 linux/amd64')).toBe(true);
    expect(goCanBuildK6('go version go1.19.8 linux/amd64')).toBe(false);
    expect(goCanBuildK6('go version go1.20 linux/amd64')).toBe(false);
    expect(goCanBuildK6('go version devel +abc')).toBe(false);
    expect(goCanBuildK6('')).toBe(false);
  });
});
