import { readFileSync, readdirSync } from 'node:fs';

/**
 * CPU time of server processes from /proc (Linux only), for the benchmarks: a process group is the
 * server with every child it started (wrangler → workerd, esbuild), so its sum is what serving cost.
 * /proc counts in ticks of 10 ms, so only sums over many requests mean anything.
 */
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** A process's command name, process group and CPU seconds (user + system), or null once it is gone. */
export function procStat(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
    pgid: Number(fields[2]),
    cpu: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
  };
}

export const groupPids = (pgid) => readdirSync('/proc').filter((d) => /^\d+$/.test(d) && procStat(d)?.pgid === pgid);

/** A process's arguments, or [] once it is gone. */
export function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * CPU seconds of every process in a process group, by command name — or by what `label(pid, stat)`
 * calls it, to tell apart processes of one name that do different work.
 */
export function groupCpu(pgid, label = (pid, stat) => stat.name) {
  const byName = {};
  for (const pid of groupPids(pgid)) {
    const s = procStat(pid);
    if (!s) continue;
    const name = label(pid, s);
    byName[name] = (byName[name] ?? 0) + s.cpu;
  }
  return byName;
}

/** What a group spent between two groupCpu readings, by command name and in all (seconds). */
export function cpuSpent(before, after) {
  const byName = Object.fromEntries(Object.entries(after).map(([name, s]) => [name, s - (before[name] ?? 0)]));
  return { byName, total: Object.values(byName).reduce((sum, s) => sum + s, 0) };
}
