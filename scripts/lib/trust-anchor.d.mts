import type { ChildProcess } from 'node:child_process';

export function trustAnchorVars(options: {
  entityId: string;
  keysFile: string;
}): Record<'FEDERATION_TRUST_ANCHORS' | 'FEDERATION_AUTHORITY_HINTS' | 'FEDERATION_REQUIRED_TRUST_MARKS', string>;
export function spawnTrustAnchor(options: { port: number; keysFile: string; adminToken: string; onboard?: string[]; demoRp?: string }): ChildProcess;
export function waitForTrustAnchor(url: string, child: ChildProcess, options?: { timeoutMs?: number }): Promise<void>;
export function trustAnchorSetup(
  serverPort: number,
  dir: string,
  env?: Record<string, string | undefined>,
): { port: number; url: string; keysFile: string; adminToken: string; vars: Record<string, string> };
