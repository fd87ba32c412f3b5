import type { Env } from '../env';
import { drawOtp } from '../core/otp';
import { keyedHash, randomInt } from '../platform/crypto';
import { notifierFor } from '../platform/notifier';
import { cardObject } from '../platform/objects';
import { type LoginFlow, type LoginState, flowGone, requireSecrets } from './flow';

/** R-OTP-1: codes are bound to their flow and purpose before hashing, so a code is good nowhere else. */
export const LOGIN_OTP_PURPOSE = 'login-sms';

export async function loginOtpHash(env: Env, flowId: string, code: string): Promise<string> {
  return keyedHash(requireSecrets(env).dataKey, 'otp', `${LOGIN_OTP_PURPOSE}:${flowId}:${code}`);
}

export type OtpSend = { sent: true } | { sent: false; waitSeconds: number } | { sent: false; capReached: true };

/** The service name in an SMS is cut short: an SMS is 160 characters. */
const SMS_NAME_MAX = 60;

/**
 * R-OTP-3: a new code replaces the old one, at most one every 30 s (the flow decides) and within the
 * identity's daily cap (the card decides). The 30 s check comes first, so a double click does not
 * spend the citizen's daily allowance; if the cap then refuses, the code just stored was never sent
 * and the citizen cannot go on today either way.
 */
export async function sendLoginOtp(env: Env, flow: LoginFlow, login: LoginState): Promise<OtpSend> {
  const code = drawOtp(randomInt);
  const issued = await flow.stub.issueOtp(LOGIN_OTP_PURPOSE, await loginOtpHash(env, flow.id, code));
  if (!issued.issued) {
    if (issued.waitSeconds === 0) throw flowGone();
    return { sent: false, waitSeconds: issued.waitSeconds };
  }
  const card = cardObject(env, login.serial);
  if (!(await card.countSend()).allowed) return { sent: false, capReached: true };
  const view = await card.view();
  if (!view) throw flowGone();
  const name = flow.request.clientName.slice(0, SMS_NAME_MAX);
  await notifierFor(env).send({
    to: view.phone,
    channel: 'sms',
    text: `CieID: il codice per accedere a ${name} è ${code}. Scade tra 5 minuti. Non comunicarlo a nessuno.`,
    code,
  });
  return { sent: true };
}

export function otpSendProblem(result: Exclude<OtpSend, { sent: true }>): { message: string; retryAfter: number } {
  if ('capReached' in result) {
    return { message: 'Hai raggiunto il numero massimo di codici inviabili oggi. Riprova domani.', retryAfter: 3600 };
  }
  return {
    message: `Attendi ${result.waitSeconds} secondi prima di chiedere un nuovo codice.`,
    retryAfter: result.waitSeconds,
  };
}
