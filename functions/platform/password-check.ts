import type { Env } from '../env';
import type { CardView } from '../../durable-objects/card';
import type { AccessLogEntry } from '../core/card';
import { USERNAME_MAX } from '../core/login-username';
import { directoryFor } from './directory';
import { cardObject } from './objects';
import { PBKDF2_ITERATIONS, verifyPassword } from './password-hash';
import { unknownUsernameThrottle } from './username-throttle';
import { requireSecrets } from './secrets';

/**
 * R-LOG-8: username + password, with the slow-down and the lock, answering the same way — in words
 * and in time — whether the username exists or not:
 * - an unknown username still costs one PBKDF2 verification, against a hash no password matches;
 * - unknown usernames have their own counter (platform/username-throttle) on the same schedule as a
 *   real identity, so "Troppi tentativi" cannot be used to find out which usernames exist. Never
 *   throttling unknown names would be simpler, but then the fourth quick attempt on a name would
 *   say whether it belongs to someone.
 * - both paths make the same Durable Object calls, and so take the same time: the directory lookup
 *   (as many reads whether the username names someone or not), a gate that reads the counter, one
 *   PBKDF2 verification, one call that records the failure. The holder's access-log line (R-LOG-9)
 *   is written inside the Card's own gate or failure call, never by a call of its own: one more call
 *   made a wrong password answer measurably later than an unknown username (issue 11). The test
 *   login-password-timing holds both paths to the same calls and compares their times.
 * What remains observable: the counter is per identity, so once one username of an identity is locked
 * its other usernames are too; linking a codice fiscale to a serial that way needs both already.
 */
export const PASSWORD_FIELD_MAX = 128;

/** The right shape and cost, and no password can match it (its hash is not a PBKDF2 output of anything known). */
export const DUMMY_HASH = `pbkdf2-sha256$${PBKDF2_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;

export type PasswordCheck =
  | { outcome: 'ok'; serial: string; card: CardView }
  | { outcome: 'wrong'; serial: string | null }
  | { outcome: 'throttled'; serial: string | null; retryAt: number };

/** A login's attempt as the holder's access log names it (R-LOG-9); the outcome is the check's. */
export type PasswordAttemptLog = Omit<AccessLogEntry, 'at' | 'outcome'>;

/**
 * With `log`, a refused attempt on an existing identity (wrong, throttled) is already in its access
 * log when this returns: the caller must not log it again. A right password is the caller's to log,
 * once it knows the outcome of the login.
 */
export async function checkPassword(env: Env, username: string, password: string, log?: PasswordAttemptLog): Promise<PasswordCheck> {
  const { pepper, dataKey } = requireSecrets(env);
  const serial = username.length <= USERNAME_MAX ? await directoryFor(env).resolveUsername(username) : null;

  if (serial === null) {
    const throttle = await unknownUsernameThrottle(env, dataKey, username);
    const gate = await throttle.gate(Date.now());
    if (!gate.allowed) return { outcome: 'throttled', serial: null, retryAt: gate.retryAt };
    await verifyPassword(pepper, password, DUMMY_HASH);
    const failure = await throttle.recordFailure(Date.now());
    if (!failure.recorded) return { outcome: 'throttled', serial: null, retryAt: failure.retryAt };
    return failure.locked ? { outcome: 'throttled', serial: null, retryAt: failure.state.lockedUntil } : { outcome: 'wrong', serial: null };
  }

  return checkCardPassword(env, serial, password, log);
}

/**
 * The identity's half of checkPassword, for a caller that already knows the serial (the personal
 * area's re-authentication, R-ACC-2): the same gate, verification and record, the same throttle.
 */
export async function checkCardPassword(env: Env, serial: string, password: string, log?: PasswordAttemptLog): Promise<PasswordCheck> {
  const { pepper } = requireSecrets(env);
  const card = cardObject(env, serial);
  const gate = await card.passwordGate(Date.now(), log);
  if (!gate.allowed) return { outcome: 'throttled', serial, retryAt: gate.retryAt };
  const right = (await verifyPassword(pepper, password, gate.passwordHash ?? DUMMY_HASH)) && gate.passwordHash !== null;
  if (right) {
    const { success, card: view } = await card.acceptPassword(Date.now(), log);
    if (!success.ok) return { outcome: 'throttled', serial, retryAt: success.retryAt };
    if (!view) return { outcome: 'wrong', serial: null };
    return { outcome: 'ok', serial, card: view };
  }
  const failure = await card.recordPasswordFailure(Date.now(), log);
  if (!failure.recorded) return { outcome: 'throttled', serial, retryAt: failure.retryAt };
  return failure.locked ? { outcome: 'throttled', serial, retryAt: failure.state.lockedUntil } : { outcome: 'wrong', serial };
}
