import type { Env } from '../env';
import { drawOtp } from '../core/otp';
import { keyedHash, randomInt } from '../platform/crypto';
import { notifierFor } from '../platform/notifier';
import { cardObject, type flowObject } from '../platform/objects';
import { requireSecrets } from '../login/flow';

/**
 * R-OTP-1: the SMS code of the App's and the account's JSON flows (certification, mode switch), bound
 * to its flow and purpose before hashing: a code is good for that one flow only, whatever its type.
 */
export const APP_OTP_PURPOSE = 'app-sms';

export async function appOtpHash(env: Env, flowId: string, code: string): Promise<string> {
  return keyedHash(requireSecrets(env).dataKey, 'otp', `${APP_OTP_PURPOSE}:${flowId}:${code}`);
}

export type AppOtpSend = { sent: true } | { sent: false; message: string; retryAfter: number };

/** One code per flow (no resend: starting again is as quick); the identity's daily cap holds. */
export async function sendAppOtp(env: Env, flowId: string, stub: ReturnType<typeof flowObject>, serial: string, phone: string, smsText: (code: string) => string): Promise<AppOtpSend> {
  const code = drawOtp(randomInt);
  await stub.issueOtp(APP_OTP_PURPOSE, await appOtpHash(env, flowId, code));
  if (!(await cardObject(env, serial).countSend()).allowed) {
    await stub.destroy();
    return { sent: false, message: 'Hai raggiunto il numero massimo di codici inviabili oggi. Riprova domani.', retryAfter: 3600 };
  }
  await notifierFor(env).send({
    to: phone,
    channel: 'sms',
    text: smsText(code),
    code,
  });
  return { sent: true };
}
