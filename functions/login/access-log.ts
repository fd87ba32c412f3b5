import type { Env } from '../env';
import type { AccessOutcome } from '../core/card';
import type { LoginMethod } from '../core/login-levels';
import { cardObject } from '../platform/objects';
import type { LoginRequest } from '../core/login-request';

/**
 * R-LOG-9: one line in the holder's "Elenco accessi" per attempt. Attempts on a username that names
 * nobody are attributable to no holder and are not logged anywhere (their throttle still counts them).
 */
export async function logAccess(env: Env, serial: string, request: LoginRequest, method: LoginMethod, outcome: AccessOutcome, reason?: string): Promise<void> {
  await cardObject(env, serial).logAccess({
    at: Date.now(),
    rp: request.clientId,
    rpName: request.clientName,
    level: request.acr,
    method,
    outcome,
    ...(reason ? { reason } : {}),
  });
}
