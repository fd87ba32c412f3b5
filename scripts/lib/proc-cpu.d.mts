export interface ProcStat {
  name: string;
  pgid: number;
  cpu: number;
}
export function procStat(pid: number | string): ProcStat | null;
export function groupPids(pgid: number): string[];
export function groupCpu(pgid: number): Record<string, number>;
export function cpuSpent(before: Record<string, number>, after: Record<string, number>): { byName: Record<string, number>; total: number };
