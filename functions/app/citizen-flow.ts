import type { Env } from '../env';
import { HttpError, badRequest, tooManyRequests } from '../core/errors';
import { cardRefusal } from '../core/card-standing';
import { maskPhone } from '../core/contacts';
import { USERNAME_MAX } from '../core/login-username';
import { isOtpShape, OTP_CHECK_CAP_MESSAGE, OTP_DIGITS } from '../core/otp';
import { type OtpSubject, otpRefusalMessage } from '../core/otp-send';
import { type OtpFlow, checkOtp, sendOtp } from '../platform/otp';
import { throttleMessage } from '../core/password-throttle';
import { newCsrfToken } from '../platform/csrf';
import { randomId } from '../platform/crypto';
import { flowObject } from '../platform/objects';
import { PASSWORD_FIELD_MAX, checkPassword } from '../login/password-check';
import { WRONG_CREDENTIALS } from '../login/steps/credentials';
import { REFUSAL_MESSAGES } from '../login/views/refused';

/**
 * The citizen proves who they are over JSON the way the login does: username and password, with the
 * login's R-LOG-8 throttle and answers (an unknown username and a wrong password look the same),
 * then an SMS code. Device certification (R-APP-1) and the L2 mode switch (R-ACC-3) start so.
 */
export interface CitizenData {
  serial: string;
  fiscalCode: string;
  maskedPhone: string;
}

export interface CitizenFlowKind {
  type: string;
  idleMs: number;
  /** What the SMS code is for, in its words (core/otp-send). */
  otp: Extract<OtpSubject, { for: 'device-certification' | 'mode-change' }>;
}

const unavailable = () => new HttpError(503, 'temporarily_unavailable', 'Servizio temporaneamente non disponibile');

const field = (body: Record<string, unknown>, name: string, max: number): string => {
  const value = body[name];
  if (typeof value !== 'string' || !value || value.length > max)
    throw badRequest(`Campo «${name}» mancante o non valido`, [{ field: name, message: 'obbligatorio' }]);
  return value;
};

/** Password checked, flow started at step `otp` with `extra` in its data, SMS sent: the flow's id. */
export async function startCitizenFlow(
  env: Env,
  body: Record<string, unknown>,
  kind: CitizenFlowKind,
  extra: Record<string, unknown> = {},
): Promise<{ flowId: string; data: CitizenData }> {
  const username = field(body, 'username', USERNAME_MAX).trim();
  const password = field(body, 'password', PASSWORD_FIELD_MAX);
  const check = await checkPassword(env, username, password);
  if (check.outcome === 'throttled') {
    throw tooManyRequests(throttleMessage(check.retryAt, Date.now()), Math.max(1, Math.ceil((check.retryAt - Date.now()) / 1000)));
  }
  if (check.outcome === 'wrong') throw new HttpError(401, 'invalid_credentials', WRONG_CREDENTIALS);
  const refusal = cardRefusal(check.card, new Date());
  if (refusal) throw new HttpError(403, 'card_refused', REFUSAL_MESSAGES[refusal]);

  const flowId = randomId();
  const data: CitizenData = { serial: check.serial, fiscalCode: check.card.fiscalCode, maskedPhone: maskPhone(check.card.phone) };
  const stub = flowObject(env, flowId);
  if (!(await stub.start(kind.type, 'otp', { ...data, ...extra }, newCsrfToken(), kind.idleMs))) throw unavailable();
  // One code per flow (no resend: starting again is as quick), within the identity's daily cap.
  const sent = await sendOtp(env, { id: flowId, stub, serial: check.serial }, kind.otp);
  if (sent.sent) return { flowId, data };
  await stub.destroy();
  // The flow was started just now: only a card deleted meanwhile leaves nowhere to send the code.
  if (sent.reason === 'moved' || sent.reason === 'gone') throw unavailable();
  throw tooManyRequests(otpRefusalMessage(kind.otp, sent), sent.retryAfter);
}

/** R-OTP-1, R-OTP-2: the flow's SMS code, or the reason it is refused (the fifth wrong one closes the flow). */
export async function checkCitizenOtp(
  env: Env,
  flow: OtpFlow,
  kind: Pick<CitizenFlowKind, 'otp'>,
  body: Record<string, unknown>,
  gone: () => HttpError,
): Promise<void> {
  const otp = typeof body.otp === 'string' ? body.otp.trim() : '';
  if (!isOtpShape(otp)) throw badRequest(`Il codice di verifica è di ${OTP_DIGITS} cifre.`, [{ field: 'otp', message: 'formato' }]);
  const check = await checkOtp(env, flow, kind.otp, otp);
  switch (check.outcome) {
    case 'ok':
      return;
    case 'capped':
      throw tooManyRequests(OTP_CHECK_CAP_MESSAGE, check.retryAfter);
    case 'wrong':
      throw new HttpError(400, 'wrong_otp', `Codice errato. Tentativi rimasti: ${check.remaining}.`);
    case 'expired':
    case 'none':
      throw new HttpError(400, 'wrong_otp', "Il codice non è più valido: ricomincia dall'inizio.");
    case 'closed':
    case 'gone':
      throw gone();
  }
}
