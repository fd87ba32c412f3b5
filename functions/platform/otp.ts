import type { Env } from '../env';
import type { FlowMove, OtpCheck } from '../../durable-objects/flow-session';
import { type OtpPurpose, drawOtp } from '../core/otp';
import { type OtpSendRefusal, type OtpSubject, otpChannel, otpHashInput, otpMessage, otpPurpose, otpRetryAfter } from '../core/otp-send';
import { keyedHash, randomInt } from './crypto';
import { notifierFor } from './notifier';
import { type FlowStub, cardObject } from './objects';
import { requireSecrets } from './secrets';

/**
 * R-OTP-1, R-OTP-2, R-OTP-3 for every flow that sends a citizen a code (activation, login, the App's and the
 * account's flows): one sender and one checker. The flow holds the code's hash and its 30 s and
 * 5-wrong limits; the card counts the identity's sends and checks per day. Each feature keeps only
 * its own part: which step, and which page or JSON answer.
 */
export interface OtpFlow {
  id: string;
  stub: FlowStub;
  /** The card whose daily caps the code counts against. */
  serial: string;
}

/**
 * `moved`: asked to enter a step first, the flow had already left `enter.from` (another request
 * moved it). `gone`: the flow is not open, or its card no longer exists.
 */
export type OtpSend =
  | { sent: true }
  | { sent: false; reason: 'moved' }
  | { sent: false; reason: 'gone' }
  | (OtpSendRefusal & { sent: false; retryAfter: number });

function otpHash(env: Env, purpose: OtpPurpose, flowId: string, code: string): Promise<string> {
  return keyedHash(requireSecrets(env).dataKey, 'otp', otpHashInput(purpose, flowId, code));
}

async function drawCode(env: Env, purpose: OtpPurpose, flowId: string): Promise<{ code: string; hash: string }> {
  const code = drawOtp(randomInt);
  return { code, hash: await otpHash(env, purpose, flowId, code) };
}

/**
 * R-OTP-1, R-OTP-3: a code no notifier sends — the service hands it to whoever shows it (the App's
 * FASE 2 code, R-LOG-5) — stored in the flow as every code is, under `flowId` (the name both sides of
 * the check know) and within the flow's 30 s between codes. No daily send is counted: nothing is sent.
 */
export async function issueShownOtp(
  env: Env,
  flow: Pick<OtpFlow, 'id' | 'stub'>,
  subject: OtpSubject,
): Promise<{ code: string } | { waitSeconds: number } | { gone: true }> {
  const purpose = otpPurpose(subject);
  const { code, hash } = await drawCode(env, purpose, flow.id);
  const issued = await flow.stub.issueOtp(purpose, hash);
  if (issued.issued) return { code };
  return issued.waitSeconds > 0 ? { waitSeconds: issued.waitSeconds } : { gone: true };
}

const refused = (refusal: OtpSendRefusal): OtpSend => ({ sent: false, ...refusal, retryAfter: otpRetryAfter(refusal, Date.now()) });

/**
 * R-OTP-3: a new code replaces the old one, at most one every 30 s (the flow decides) and within the
 * identity's daily cap (the card decides). The 30 s check comes first, so a double click does not
 * spend the citizen's daily allowance; if the cap then refuses, the code just stored was never sent
 * and the citizen cannot go on today either way. With `enter`, the flow moves into the code's step
 * and takes the code in the same call. The code goes to `to` (activation names the number or the
 * email it shows), or else to the number on the card, read in the call that counts the send.
 */
export async function sendOtp(env: Env, flow: OtpFlow, subject: OtpSubject, options: { to?: string; enter?: FlowMove } = {}): Promise<OtpSend> {
  const purpose = otpPurpose(subject);
  const { code, hash } = await drawCode(env, purpose, flow.id);
  const { enter } = options;
  const issued = enter ? await flow.stub.advanceWithOtp(enter.from, enter.to, enter.patch, purpose, hash) : await flow.stub.issueOtp(purpose, hash);
  if (!issued) return { sent: false, reason: 'moved' };
  if (!issued.issued) return issued.waitSeconds > 0 ? refused({ reason: 'wait', waitSeconds: issued.waitSeconds }) : { sent: false, reason: 'gone' };
  const allowance = await cardObject(env, flow.serial).countSendTo();
  if (!allowance.allowed) return refused({ reason: 'cap' });
  const to = options.to ?? allowance.phone;
  if (!to) return { sent: false, reason: 'gone' };
  await notifierFor(env).send({ to, channel: otpChannel(subject), text: otpMessage(subject, code), code });
  return { sent: true };
}

/** `capped`: no checks left today; `retryAfter` is the seconds to the next Italian day. */
export type OtpCheckResult = OtpCheck | { outcome: 'capped'; retryAfter: number };

/**
 * R-OTP-1, R-OTP-2: checks the flow's code only while the identity has checks left today
 * (Card.countOtpCheck): the flow's own limit (5 wrong codes) does not bound an attacker who holds
 * the password and simply starts new flows. `then`, if given, is the step change a right code
 * makes, done by the flow in the same call.
 *
 * The day's check is taken before the flow compares anything, so the cap holds however many checks
 * race; a check that then finds the flow not open (`gone`: closed by a concurrent fifth wrong code,
 * expired) compared nothing and is given back, so a flood of codes at a closed flow cannot spend
 * the citizen's day. That costs a third call only on that path; a check on an open flow is two.
 */
export async function checkOtp(env: Env, flow: OtpFlow, subject: OtpSubject, code: string, then?: FlowMove): Promise<OtpCheckResult> {
  const purpose = otpPurpose(subject);
  const hash = await otpHash(env, purpose, flow.id, code);
  const card = cardObject(env, flow.serial);
  const countedAt = Date.now();
  if (!(await card.countOtpCheck()).allowed) return { outcome: 'capped', retryAfter: otpRetryAfter({ reason: 'cap' }, Date.now()) };
  const check = then ? await flow.stub.checkOtpThenAdvance(purpose, hash, then) : await flow.stub.checkOtp(purpose, hash);
  if (check.outcome === 'gone') await card.uncountOtpCheck(countedAt);
  return check;
}
