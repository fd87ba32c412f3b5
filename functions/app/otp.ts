import type { Env } from '../env';
import { drawOtp } from '../core/otp';
import { keyedHash, randomInt } from '../platform/crypto';
import { notifierFor } from '../platform/notifier';
import { cardObject, type flowObject } from '../platform/objects';
import { requireSecrets } from '../login/flow';

/** R-APP-1 / R-OTP-1: the certification's SMS code, bound to its flow and purpose before hashing. */
export const APP_OTP_PURPOSE = 'app-sms';

export async function appOtpHash(env: Env, flowId: string, code: string): Promise<string> {
  return keyedHash(requireSecrets(env).dataKey, 'otp', `${APP_OTP_PURPOSE}:${flowId}:${code}`);
}

export type AppOtpSend = { sent: true } | { sent: false; message: string; retryAfter: number };

/** One code per certification (no resend: starting again is as quick); the identity's daily cap holds. */
export async function sendAppOtp(env: Env, flowId: string, stub: ReturnType<typeof flowObject>, serial: string, phone: string): Promise<AppOtpSend> {
  const code = drawOtp(randomInt);
  await stub.issueOtp(APP_OTP_PURPOSE, await appOtpHash(env, flowId, code));
  if (!(await cardObject(env, serial).countSend()).allowed) {
    await stub.destroy();
    return { sent: false, message: 'Hai raggiunto il numero massimo di codici inviabili oggi. Riprova domani.', retryAfter: 3600 };
  }
  await notifierFor(env).send({
    to: phone,
    channel: 'sms',
    text: `CieID: il codice per certificare il tuo dispositivo è ${code}. Scade tra 5 minuti. Non comunicarlo a nessuno.`,
    code,
  });
  return { sent: true };
}
