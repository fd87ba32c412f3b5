import { italianDay } from './civil-date';
import type { RandomInt } from './random';

/** R-OTP-1, R-OTP-2, R-OTP-3: one-time codes by SMS or email. */
export const OTP_DIGITS = 4;
export const OTP_TTL_MS = 5 * 60_000;
export const OTP_MAX_WRONG = 5;
export const OTP_RESEND_INTERVAL_MS = 30_000;
export const OTP_DAILY_CAP = 10;
/** Codes checked per identity per day, across flows: 4 digits allow no more guesses than this. */
export const OTP_DAILY_CHECK_CAP = 20;
export const OTP_CHECK_CAP_MESSAGE = 'Hai inserito troppi codici di verifica oggi: per sicurezza riprova domani.';

export type OtpPurpose = 'activation-sms' | 'activation-email' | 'login-sms' | 'app-sms' | 'recovery-sms' | 'recovery-email' | 'puk-sms' | 'account-email';

export function drawOtp(randomInt: RandomInt): string {
  let code = '';
  for (let i = 0; i < OTP_DIGITS; i++) code += String(randomInt(10));
  return code;
}

export function isOtpShape(input: string): boolean {
  return new RegExp(`^[0-9]{${OTP_DIGITS}}$`).test(input);
}

/** Seconds until a new code may be sent, 0 when it may be sent now. */
export function resendWaitSeconds(lastSentAt: number | null, now: number): number {
  if (lastSentAt === null) return 0;
  const wait = lastSentAt + OTP_RESEND_INTERVAL_MS - now;
  return wait > 0 ? Math.ceil(wait / 1000) : 0;
}

/** The day (Italian calendar) a send counts against for the daily cap. */
export function capDay(now: number): string {
  return italianDay(now);
}
