import type { Env } from '../env';
import { OTP_CHECK_CAP_MESSAGE } from '../core/otp';
import { type OtpSubject, otpRefusalMessage } from '../core/otp-send';
import { parseOtp } from '../core/activation-input';
import { activationRefusal, type ActivationRefusal } from '../core/activation-eligibility';
import { type OtpFlow, checkOtp, sendOtp } from '../platform/otp';
import { cardObject } from '../platform/objects';
import { flowGone, type LoadedFlow } from './flow';

/** R-OTP-1, R-OTP-2, R-OTP-3 for the two activation channels (platform/otp sends and checks; this says it on the pages). */
export type ActivationChannel = 'sms' | 'email';

const subjectOf = (channel: ActivationChannel): OtpSubject => ({ for: 'activation', channel });
const otpFlow = (flow: LoadedFlow): OtpFlow => ({ id: flow.id, stub: flow.stub, serial: flow.data.serial });

export type SendResult = { sent: true } | { sent: false; refusal: ActivationRefusal } | { sent: false; message: string; retryAfter: number };

/**
 * Sends a new code to `to`, replacing the previous one, within the 30 s and daily limits
 * (R-OTP-3); a card blocked meanwhile gets no message at all (R-CARD-3).
 */
export async function sendCode(env: Env, flow: LoadedFlow, channel: ActivationChannel, to: string): Promise<SendResult> {
  const view = await cardObject(env, flow.data.serial).view();
  const refusal = view ? activationRefusal(view, new Date()) : 'unusable';
  if (refusal) return { sent: false, refusal };
  const subject = subjectOf(channel);
  const sent = await sendOtp(env, otpFlow(flow), subject, { to });
  if (sent.sent) return { sent: true };
  if (sent.reason === 'moved' || sent.reason === 'gone') throw flowGone();
  return { sent: false, message: otpRefusalMessage(subject, sent), retryAfter: sent.retryAfter };
}

export type CheckResult =
  | { ok: true }
  | { ok: false; closed: false; errors: string[]; status?: number; headers?: Record<string, string> }
  | { ok: false; closed: true };

/** R-OTP-1, R-OTP-2: a typo (not 4 digits) is not counted; the fifth wrong code closes the flow. */
export async function checkCode(env: Env, flow: LoadedFlow, channel: ActivationChannel, input: string | undefined): Promise<CheckResult> {
  const parsed = parseOtp(input);
  if (!parsed.ok) return { ok: false, closed: false, errors: parsed.errors };
  const again = channel === 'sms' ? 'Invia SMS di nuovo' : 'Invia email di nuovo';
  const result = await checkOtp(env, otpFlow(flow), subjectOf(channel), parsed.value);
  switch (result.outcome) {
    case 'ok':
      return { ok: true };
    case 'capped':
      return {
        ok: false,
        closed: false,
        errors: [OTP_CHECK_CAP_MESSAGE],
        status: 429,
        headers: { 'Retry-After': String(result.retryAfter) },
      };
    case 'wrong':
      return {
        ok: false,
        closed: false,
        errors: [`Il codice inserito non è corretto. Tentativi rimasti: ${result.remaining}.`],
      };
    case 'expired':
      return { ok: false, closed: false, errors: [`Il codice è scaduto: richiedine uno nuovo con "${again}".`] };
    case 'none':
      return { ok: false, closed: false, errors: [`Non c'è un codice valido da verificare: richiedine uno nuovo con "${again}".`] };
    case 'closed':
    case 'gone':
      return { ok: false, closed: true };
  }
}
