import type { ChildProcess } from 'node:child_process';

export type Runtime = 'workerd' | 'wrangler';
export const root: string;
export const RUNTIMES: Runtime[];
export function checkRuntime(value?: string): Runtime;
export function runningToken(stateDir?: string): string | null;
export function freePort(): Promise<number>;
export function waitForHealth(baseUrl: string, child: ChildProcess, options?: { timeoutMs?: number; describe?: () => string }): Promise<void>;
export function spawnDevServer(options: { port: number; registryToken: string; stateDir: string; env?: Record<string, string>; args?: string[] }): ChildProcess;
export function spawnServer(options: {
  runtime?: Runtime;
  port: number;
  registryToken: string;
  stateDir: string;
  env?: Record<string, string>;
  wranglerArgs?: string[];
}): ChildProcess;
export function startServer(options: {
  runtime?: Runtime;
  port: number;
  registryToken: string;
  stateDir: string;
  log: string;
  inspectorPort?: number;
  env?: Record<string, string>;
  wranglerArgs?: string[];
  onSpawn?: (child: ChildProcess) => void;
  timeoutMs?: number;
}): Promise<{ child: ChildProcess; baseUrl: string }>;
export function stopGroup(child: ChildProcess, timeoutMs?: number): Promise<void>;
export function tail(file: string, lines?: number): string;
