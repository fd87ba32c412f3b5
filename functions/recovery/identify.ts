import type { Env } from '../env';
import type { DecoyCaps } from '../core/recovery-flows';
import { USERNAME_MAX } from '../core/login-username';
import { directoryFor } from '../platform/directory';
import { cardObject } from '../platform/objects';
import { requireSecrets } from '../platform/secrets';
import { unknownUsernameThrottle } from '../platform/username-throttle';

/**
 * Who a password recovery is for, answering alike — in words, status and time — whether the
 * username names someone (platform/password-check does the same for the login): the directory's
 * lookup, then one call that reads the login's R-LOG-8 lock, the Card's for an identity, the
 * unknown-username throttle's for a name nobody holds. A locked username is refused on both paths;
 * asking for a code records no failure on either. `serial` null: a decoy (nobody, no credentials,
 * a card out of service), whose code goes nowhere and whose checks count on `decoyCaps`.
 */
export type RecoveryTarget =
  | { allowed: false; retryAt: number }
  | { allowed: true; serial: string; email: string | null; decoyCaps: null }
  | { allowed: true; serial: null; email: null; decoyCaps: DecoyCaps };

export async function recoveryTarget(env: Env, username: string): Promise<RecoveryTarget> {
  const { dataKey } = requireSecrets(env);
  const serial = username.length <= USERNAME_MAX ? await directoryFor(env).resolveUsername(username) : null;
  if (serial === null) {
    const throttle = await unknownUsernameThrottle(env, dataKey, username);
    const gate = await throttle.gate(Date.now());
    return gate.allowed ? { allowed: true, serial: null, email: null, decoyCaps: { key: throttle.key } } : gate;
  }
  const start = await cardObject(env, serial).startPasswordRecovery();
  if (!start.allowed) return start;
  if (!start.recoverable) return { allowed: true, serial: null, email: null, decoyCaps: { serial } };
  return { allowed: true, serial, email: start.email, decoyCaps: null };
}
