import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { groupPids } from './proc-cpu.mjs';

/**
 * Pinning benchmark processes to CPU cores with taskset (util-linux), so the server under test and
 * the load generator do not take each other's core. Possible with taskset on the PATH and at
 * least two cores; otherwise `pinning()` says why not and the callers run unpinned.
 */
export const SERVER_CORE = 1;
export const LOAD_CORE = 0;

export function pinning() {
  const cores = availableParallelism();
  if (cores < 2) return { enabled: false, why: `only ${cores} core` };
  if (spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status !== 0) return { enabled: false, why: 'taskset is not installed' };
  return { enabled: true, why: `server processes on core ${SERVER_CORE}, k6 on core ${LOAD_CORE} (of ${cores})` };
}

/** `[command, args]` that run `command args` on `core`, or as they are when pinning is off. */
export const onCore = (enabled, core, command, args) => (enabled ? ['taskset', ['-c', String(core), command, ...args]] : [command, args]);

/**
 * Pins every process and thread of a process group to `core`. Children inherit the affinity, but a
 * group started without taskset (wrangler dev via scripts/dev.mjs) gets pinned after the fact, and
 * again whenever it may have started new processes.
 */
export function pinGroup(pgid, core) {
  for (const pid of groupPids(pgid)) spawnSync('taskset', ['-a', '-p', '-c', String(core), pid], { stdio: 'ignore' });
}

/** Which cores each process of the group may run on, by pid and name: the proof of the pinning. */
export function groupAffinity(pgid) {
  const out = {};
  for (const pid of groupPids(pgid)) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const name = /^Name:\s*(.*)$/m.exec(status)?.[1] ?? '?';
      out[`${pid} ${name}`] = /^Cpus_allowed_list:\s*(.*)$/m.exec(status)?.[1] ?? '?';
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
