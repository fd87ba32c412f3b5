import type { IRequest } from 'itty-router';
import type { Env } from '../env';
import { HttpError, badRequest, tooManyRequests } from '../core/errors';
import { APP_CODE_MESSAGES, appCodeProblems } from '../core/app-code';
import { cardRefusal } from '../core/card-standing';
import { maskPhone } from '../core/contacts';
import { USERNAME_MAX } from '../core/login-username';
import { isOtpShape, OTP_DIGITS } from '../core/otp';
import { throttleMessage } from '../core/password-throttle';
import { newCsrfToken } from '../platform/csrf';
import { randomId } from '../platform/crypto';
import { json, readJsonObject } from '../platform/http';
import { flowObject } from '../platform/objects';
import { PASSWORD_FIELD_MAX, checkPassword } from '../login/password-check';
import { WRONG_CREDENTIALS } from '../login/steps/credentials';
import { REFUSAL_MESSAGES } from '../login/views/refused';
import {
  CERTIFICATION_FLOW_TYPE, CERTIFICATION_IDLE_MS, type CertificationData, advanceCertification, certificationGone, loadCertification,
} from './certification-flow';
import { APP_OTP_PURPOSE, appOtpHash, sendAppOtp } from './otp';

const text = (body: Record<string, unknown>, field: string, max: number): string => {
  const value = body[field];
  if (typeof value !== 'string' || !value || value.length > max) throw badRequest(`Campo «${field}» mancante o non valido`, [{ field, message: 'obbligatorio' }]);
  return value;
};

/**
 * POST /app/certificazione — R-APP-1: username and password, with the login's R-LOG-8 throttle and
 * answers (an unknown username and a wrong password look the same), then an SMS code.
 */
export async function startCertification(request: IRequest, env: Env): Promise<Response> {
  const body = await readJsonObject(request);
  const username = text(body, 'username', USERNAME_MAX).trim();
  const password = text(body, 'password', PASSWORD_FIELD_MAX);
  const check = await checkPassword(env, username, password);
  if (check.outcome === 'throttled') {
    throw tooManyRequests(throttleMessage(check.retryAt, Date.now()), Math.max(1, Math.ceil((check.retryAt - Date.now()) / 1000)));
  }
  if (check.outcome === 'wrong') throw new HttpError(401, 'invalid_credentials', WRONG_CREDENTIALS);
  const refusal = cardRefusal(check.card, new Date());
  if (refusal) throw new HttpError(403, 'card_refused', REFUSAL_MESSAGES[refusal]);

  const flowId = randomId();
  const data: CertificationData = { serial: check.serial, fiscalCode: check.card.fiscalCode, maskedPhone: maskPhone(check.card.phone) };
  const stub = flowObject(env, flowId);
  if (!(await stub.start(CERTIFICATION_FLOW_TYPE, 'otp', data as unknown as Record<string, unknown>, newCsrfToken(), CERTIFICATION_IDLE_MS))) {
    throw new HttpError(503, 'temporarily_unavailable', 'Servizio temporaneamente non disponibile');
  }
  const sent = await sendAppOtp(env, flowId, stub, check.serial, check.card.phone);
  if (!sent.sent) throw tooManyRequests(sent.message, sent.retryAfter);
  return json({ flowId, step: 'otp', maskedPhone: data.maskedPhone }, 201);
}

/** POST /app/certificazione/:id/otp — R-APP-1, R-OTP-1/2: the code sent by SMS. */
export async function postCertificationOtp(request: IRequest, env: Env): Promise<Response> {
  const flow = await loadCertification(env, String(request.params.flowId ?? ''), ['otp']);
  const body = await readJsonObject(request);
  const otp = typeof body.otp === 'string' ? body.otp.trim() : '';
  if (!isOtpShape(otp)) throw badRequest(`Il codice di verifica è di ${OTP_DIGITS} cifre.`, [{ field: 'otp', message: 'formato' }]);
  const check = await flow.stub.checkOtp(APP_OTP_PURPOSE, await appOtpHash(env, flow.id, otp));
  switch (check.outcome) {
    case 'ok':
      await advanceCertification(flow, 'otp', 'codice');
      return json({ step: 'codice' });
    case 'wrong':
      throw new HttpError(400, 'wrong_otp', `Codice errato. Tentativi rimasti: ${check.remaining}.`);
    case 'expired':
    case 'none':
      throw new HttpError(400, 'wrong_otp', 'Il codice non è più valido: ricomincia la certificazione.');
    case 'closed':
      throw certificationGone();
  }
}

/**
 * POST /app/certificazione/:id/codice — R-APP-2. The App sends the code it is about to protect its
 * key with, only for the policy check: nothing of it is stored, and it never unlocks anything here.
 */
export async function postAppCode(request: IRequest, env: Env): Promise<Response> {
  const flow = await loadCertification(env, String(request.params.flowId ?? ''), ['codice']);
  const body = await readJsonObject(request);
  const code = typeof body.code === 'string' ? body.code : '';
  const problems = appCodeProblems(code);
  if (problems.length) {
    throw new HttpError(400, 'weak_app_code', 'Il codice App non rispetta i criteri indicati.', problems.map((p) => ({ field: 'code', message: APP_CODE_MESSAGES[p] })));
  }
  await advanceCertification(flow, 'codice', 'registrazione');
  return json({ step: 'registrazione' });
}
