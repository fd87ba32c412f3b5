import type { Env } from '../env';
import type { AccessOutcome } from '../core/card';
import type { Approval } from '../../durable-objects/device-table';
import { cardObject } from '../platform/objects';

/**
 * R-LOG-9 for what the App does: every approval decided, and every refusal (another flow's
 * assertion, a replay, a counter gone backwards, a used or expired QR code), in the holder's
 * "Elenco accessi". A refusal that names no approval any more (replayed, expired) has no service to
 * show: the line says so with an empty RP.
 */
export async function logAppAttempt(env: Env, serial: string, approval: Approval | null, outcome: AccessOutcome, reason?: string): Promise<void> {
  await cardObject(env, serial).logAccess({
    at: Date.now(),
    rp: approval?.rp ?? '',
    rpName: approval?.rpName ?? '',
    level: (approval?.level ?? 2) as 1 | 2 | 3,
    method: 'app',
    outcome,
    ...(reason ? { reason } : {}),
  });
}
