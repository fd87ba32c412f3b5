export const SERVER_CORE: number;
export const LOAD_CORE: number;
export function pinning(): { enabled: boolean; why: string };
export function onCore(enabled: boolean, core: number, command: string, args: string[]): [string, string[]];
export function pinGroup(pgid: number, core: number): void;
export function groupAffinity(pgid: number): Record<string, string>;
