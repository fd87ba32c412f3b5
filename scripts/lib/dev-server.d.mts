import type { ChildProcess } from 'node:child_process';

export const root: string;
export function runningToken(stateDir?: string): string | null;
export function freePort(): Promise<number>;
export function waitForHealth(baseUrl: string, child: ChildProcess, options?: { timeoutMs?: number; describe?: () => string }): Promise<void>;
export function spawnDevServer(options: { port: number; registryToken: string; stateDir: string; env?: Record<string, string>; args?: string[] }): ChildProcess;
export function stopGroup(child: ChildProcess, timeoutMs?: number): Promise<void>;
export function tail(file: string, lines?: number): string;
