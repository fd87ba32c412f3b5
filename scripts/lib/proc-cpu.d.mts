export interface ProcStat {
  name: string;
  pgid: number;
  cpu: number;
}
export function procStat(pid: number | string): ProcStat | null;
export function groupPids(pgid: number): string[];
export function commandLine(pid: number | string): string[];
export function groupCpu(pgid: number, label?: (pid: string, stat: ProcStat) => string): Record<string, number>;
export function cpuSpent(before: Record<string, number>, after: Record<string, number>): { byName: Record<string, number>; total: number };
