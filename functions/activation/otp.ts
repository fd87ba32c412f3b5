import type { Env } from '../env';
import { OTP_CHECK_CAP_MESSAGE, drawOtp, type OtpPurpose } from '../core/otp';
import { secondsToItalianMidnight } from '../core/civil-date';
import { checkIdentityOtp } from '../platform/otp-check';
import { parseOtp } from '../core/activation-input';
import { activationRefusal, type ActivationRefusal } from '../core/activation-eligibility';
import { keyedHash, randomInt } from '../platform/crypto';
import { notifierFor } from '../platform/notifier';
import { cardObject } from '../platform/objects';
import { flowGone, requireSecrets, type LoadedFlow } from './flow';

/** R-OTP-1..3 for the two activation channels: 4 digits, hashed at rest, bound to flow and purpose. */
export type ActivationChannel = 'sms' | 'email';

const PURPOSE: Record<ActivationChannel, OtpPurpose> = { sms: 'activation-sms', email: 'activation-email' };

function messageText(channel: ActivationChannel, code: string): string {
  const body = `il tuo codice di verifica per l'attivazione delle credenziali CIE è ${code}. Vale 5 minuti. Non comunicarlo a nessuno.`;
  return channel === 'sms' ? `CieID: ${body}` : `Gentile utente, ${body}\n\nSe non hai richiesto tu l'attivazione, ignora questo messaggio.`;
}

/** Binds the code to this flow and purpose, so a code read elsewhere cannot be replayed here. */
function codeHash(dataKey: string, flowId: string, purpose: OtpPurpose, code: string): Promise<string> {
  return keyedHash(dataKey, 'otp', `${flowId}:${purpose}:${code}`);
}

export type SendResult =
  | { sent: true }
  | { sent: false; refusal: ActivationRefusal }
  | { sent: false; message: string; retryAfter: number };

/**
 * Sends a new code, replacing the previous one. The flow refuses a resend within 30 s and the card
 * counts the day's sends (R-OTP-3); a card blocked meanwhile gets no message at all (R-CARD-3).
 */
export async function sendCode(env: Env, flow: LoadedFlow, channel: ActivationChannel, to: string): Promise<SendResult> {
  const { dataKey } = requireSecrets(env);
  const card = cardObject(env, flow.data.serial);
  const view = await card.view();
  const refusal = view ? activationRefusal(view, new Date()) : 'unusable';
  if (refusal) return { sent: false, refusal };

  const purpose = PURPOSE[channel];
  const code = drawOtp(randomInt);
  const issued = await flow.stub.issueOtp(purpose, await codeHash(dataKey, flow.id, purpose, code));
  if (!issued.issued) {
    if (issued.waitSeconds <= 0) throw flowGone();
    return {
      sent: false,
      message: `Hai appena richiesto un codice: attendi ${issued.waitSeconds} secondi prima di chiederne uno nuovo.`,
      retryAfter: issued.waitSeconds,
    };
  }
  const allowance = await card.countSend();
  if (!allowance.allowed) {
    return {
      sent: false,
      message: 'Hai raggiunto il numero massimo di codici che possiamo inviarti oggi per questa carta. Riprova domani.',
      retryAfter: secondsToItalianMidnight(Date.now()),
    };
  }
  await notifierFor(env).send({ to, channel, text: messageText(channel, code), code });
  return { sent: true };
}

export type CheckResult =
  | { ok: true }
  | { ok: false; closed: false; errors: string[]; status?: number; headers?: Record<string, string> }
  | { ok: false; closed: true };

/** R-OTP-1/2: a typo (not 4 digits) is not counted; the fifth wrong code closes the flow. */
export async function checkCode(env: Env, flow: LoadedFlow, channel: ActivationChannel, input: string | undefined): Promise<CheckResult> {
  const { dataKey } = requireSecrets(env);
  const parsed = parseOtp(input);
  if (!parsed.ok) return { ok: false, closed: false, errors: parsed.errors };
  const purpose = PURPOSE[channel];
  const again = channel === 'sms' ? 'Invia SMS di nuovo' : 'Invia email di nuovo';
  const result = await checkIdentityOtp(env, flow.stub, flow.data.serial, purpose, await codeHash(dataKey, flow.id, purpose, parsed.value));
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
      return { ok: false, closed: true };
  }
}
