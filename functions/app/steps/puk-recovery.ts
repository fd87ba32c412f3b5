import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { HttpError, badRequest, forbidden, tooManyRequests } from '../../core/errors';
import { parseIdentity } from '../../core/activation-input';
import { OTP_CHECK_CAP_MESSAGE, OTP_DIGITS, isOtpShape } from '../../core/otp';
import { releaseSentence } from '../../core/puk-recovery';
import { PUK_RECOVERY_FLOW } from '../../core/recovery-flows';
import { issuerOf } from '../../oidc/issuer';
import { flowGone, requireFlow } from '../../platform/flows';
import { json, readJsonObject } from '../../platform/http';
import { unavailable } from '../../recovery/flow';
import { PUK_START_CAP_MESSAGE, finishPukRequest, startPukRecovery } from '../../recovery/puk';

/**
 * "Recupera PUK" in the App (R-PUK-2), the web's request as JSON (recovery/puk.ts): the same decoy for
 * a pair nobody holds or a card out of service, the same 48 hours. The PUK itself is seen only
 * through the link the notice carries, after a fresh code (the web's /recupero-puk/visualizza).
 */
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const PUK_CODE_SENT = 'Se i dati sono corretti, ti abbiamo inviato un codice via SMS al numero di cellulare associato alla Carta.';

/** POST /app/puk {fiscalCode, serial} → {flowId, message}: the same answer whatever the pair. */
export async function startAppPukRecovery(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const body = await readJsonObject(request);
  const parsed = parseIdentity(text(body.fiscalCode), text(body.serial));
  if (!parsed.ok)
    throw badRequest(
      parsed.errors.join(' '),
      parsed.fields.map((field) => ({ field, message: 'non valido' })),
    );
  // The App has no captcha: a day's requests per identity are counted instead, a decoy's alike (recovery/puk).
  const started = await startPukRecovery(env, ctx, parsed.value.fiscalCode, parsed.value.serial, { countStart: true });
  if (!started) throw unavailable();
  if ('capped' in started) throw tooManyRequests(PUK_START_CAP_MESSAGE, started.capped);
  return json({ flowId: started.flow.id, message: PUK_CODE_SENT });
}

/** POST /app/puk/:flowId {otp} → {status: requested | waiting | released, releaseAt?, message}. */
export async function confirmAppPukRecovery(request: IRequest, env: Env): Promise<Response> {
  const flow = await requireFlow(env, PUK_RECOVERY_FLOW, String(request.params?.flowId ?? ''));
  const body = await readJsonObject(request);
  const otp = typeof body.otp === 'string' ? body.otp.trim() : '';
  if (!isOtpShape(otp)) throw badRequest(`Il codice di verifica è di ${OTP_DIGITS} cifre.`, [{ field: 'otp', message: 'formato' }]);
  const done = await finishPukRequest(env, flow, otp, issuerOf(env, request));
  switch (done.outcome) {
    case 'requested':
      return json({
        status: 'requested',
        releaseAt: new Date(done.releaseAt).toISOString(),
        message: `Richiesta registrata: ${releaseSentence(done.releaseAt)}.`,
      });
    case 'waiting':
      return json({
        status: 'waiting',
        releaseAt: new Date(done.releaseAt).toISOString(),
        message: `Hai già richiesto il PUK: ${releaseSentence(done.releaseAt)}.`,
      });
    case 'released':
      return json({ status: 'released', message: 'Il PUK è già disponibile: apri il link che ti abbiamo inviato via SMS o email.' });
    case 'refused':
      throw forbidden("Questa Carta non può più essere usata per l'identità digitale: il PUK non può essere recuperato.");
    case 'code': {
      const check = done.check;
      switch (check.outcome) {
        case 'capped':
          throw tooManyRequests(OTP_CHECK_CAP_MESSAGE, check.retryAfter);
        case 'wrong':
          throw new HttpError(400, 'wrong_otp', `Codice errato. Tentativi rimasti: ${check.remaining}.`);
        case 'expired':
        case 'none':
          throw new HttpError(400, 'wrong_otp', "Il codice non è più valido: ricomincia dall'inizio.");
        case 'closed':
        case 'gone':
          throw flowGone(PUK_RECOVERY_FLOW);
      }
    }
  }
}
