import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * `npm test` installs Debian's redis-server when it is missing (scripts/install-redis.sh through
 * scripts/apt-install.sh), for the directory's Upstash adapter tests. As in install-tools.test.ts, the
 * script runs against a PATH of stand-ins for `id`, `sudo` and `apt-get` that record their calls.
 */
const root = join(import.meta.dirname, '..', '..');
let dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs = [];
});

function run(machine: { uid: number; sudo?: 'none' | 'nopasswd'; installed?: boolean }, extraEnv: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cieid-install-redis-'));
  dirs.push(dir);
  const bin = join(dir, 'bin');
  const log = join(dir, 'calls.log');
  const server = join(dir, 'redis-server');
  const script = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  spawnSync('/bin/mkdir', [bin]);
  script('id', `echo ${machine.uid}`);
  if (machine.sudo === 'nopasswd') script('sudo', `echo "sudo $*" >> ${log}; [ "$1" = -n ] && shift; "$@"`);
  script('apt-get', `echo "apt-get $*" >> ${log}; if [ "$1" = install ]; then printf '#!/bin/bash\\n' > ${server}; /bin/chmod +x ${server}; fi`);
  if (machine.installed) {
    writeFileSync(server, '#!/bin/bash\n');
    chmodSync(server, 0o755);
  }
  const out = spawnSync('/bin/bash', [join(root, 'scripts', 'install-redis.sh')], {
    encoding: 'utf8',
    cwd: root,
    env: { PATH: bin, DEBIAN_REDIS_SERVER: server, ...extraEnv },
  });
  const calls = existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [];
  return { status: out.status, stderr: out.stderr.trim(), calls, server };
}

describe('npm test brings its own redis-server (scripts/install-redis.sh)', () => {
  it('does nothing when redis-server is there', () => {
    const r = run({ uid: 1000, installed: true });
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([]);
  });

  it('installs Debian’s redis-server as root, after refreshing the package list', () => {
    const r = run({ uid: 0 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.calls[0]).toMatch(/^apt-get update/);
    expect(r.calls[1]).toMatch(/^apt-get install .*\bredis-server\b/);
    expect(existsSync(r.server)).toBe(true);
  });

  it('through sudo when it asks no password', () => {
    const r = run({ uid: 1000, sudo: 'nopasswd' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.calls.some((c) => /^sudo -n apt-get install .*\bredis-server\b/.test(c))).toBe(true);
  });

  it('without root or sudo: one line saying what to run, and a failure', () => {
    const r = run({ uid: 1000, sudo: 'none' });
    expect(r.status).not.toBe(0);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('sudo apt-get update && sudo apt-get install -y redis-server');
  });

  it('REDIS_SERVER is taken as it is, and said so when it is wrong', () => {
    const ok = run({ uid: 1000, installed: true });
    const given = run({ uid: 0 }, { REDIS_SERVER: ok.server });
    expect(given.status).toBe(0);
    expect(given.calls).toEqual([]);
    const wrong = run({ uid: 0 }, { REDIS_SERVER: '/nonexistent/redis-server' });
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toContain('REDIS_SERVER=/nonexistent/redis-server');
    expect(wrong.calls).toEqual([]);
  });
});
