import type { Env } from '../env';
import type { FlowMove, OtpCheck } from '../../durable-objects/flow-session';
import { secondsToItalianMidnight } from '../core/civil-date';
import { cardObject, flowObject } from './objects';

/** `capped`: no checks left today; `retryAfter` is the seconds to the next Italian day. */
export type IdentityOtpCheck = OtpCheck | { outcome: 'capped'; retryAfter: number };

/**
 * Checks a flow's code only while the identity has checks left today (Card.countOtpCheck): the
 * flow's own limit (5 wrong codes) does not bound an attacker who holds the password and simply
 * starts new flows. Every flow that verifies a citizen's code goes through here. `then`, if given,
 * is the step change a right code makes, done by the flow in the same call.
 */
export async function checkIdentityOtp(
  env: Env,
  flow: ReturnType<typeof flowObject>,
  serial: string,
  purpose: string,
  hash: string,
  then?: FlowMove,
): Promise<IdentityOtpCheck> {
  const allowance = await cardObject(env, serial).countOtpCheck();
  if (!allowance.allowed) return { outcome: 'capped', retryAfter: secondsToItalianMidnight(Date.now()) };
  return then ? flow.checkOtpThenAdvance(purpose, hash, then) : flow.checkOtp(purpose, hash);
}
