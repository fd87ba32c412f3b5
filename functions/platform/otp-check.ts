import type { Env } from '../env';
import type { FlowMove, OtpCheck } from '../../durable-objects/flow-session';
import { cardObject, flowObject } from './objects';

export type IdentityOtpCheck = OtpCheck | { outcome: 'capped' };

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
  if (!allowance.allowed) return { outcome: 'capped' };
  return then ? flow.checkOtpThenAdvance(purpose, hash, then) : flow.checkOtp(purpose, hash);
}
