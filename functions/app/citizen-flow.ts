import type { Env } from '../env';
import { HttpError, badRequest, tooManyRequests } from '../core/errors';
import { cardRefusal } from '../core/card-standing';
import type { CitizenData, CitizenFlowKind } from '../core/citizen-flows';
import { maskPhone } from '../core/contacts';
import { USERNAME_MAX } from '../core/login-username';
import { isOtpShape, OTP_CHECK_CAP_MESSAGE, OTP_DIGITS } from '../core/otp';
import { otpRefusalMessage } from '../core/otp-send';
import { throttleMessage } from '../core/password-throttle';
import { REFUSAL_MESSAGES, WRONG_CREDENTIALS } from '../core/login-messages';
import { type Flow, endFlow, flowGone, startFlow } from '../platform/flows';
import { type OtpFlow, checkOtp, sendOtp } from '../platform/otp';
import { PASSWORD_FIELD_MAX, checkPassword } from '../platform/password-check';

/**
 * The citizen proves who they are over JSON the way the login does: username and password, with the
 * login's R-LOG-8 throttle and answers (an unknown username and a wrong password look the same),
 * then an SMS code. Device certification (R-APP-1) and the L2 mode switch (R-ACC-3) start so; their
 * kinds are in core/citizen-flows.ts.
 */

const unavailable = () => new HttpError(503, 'temporarily_unavailable', 'Servizio temporaneamente non disponibile');

const field = (body: Record<string, unknown>, name: string, max: number): string => {
  const value = body[name];
  if (typeof value !== 'string' || !value || value.length > max)
    throw badRequest(`Campo «${name}» mancante o non valido`, [{ field: name, message: 'obbligatorio' }]);
  return value;
};

/** What of a citizen flow its SMS code needs, whatever the flow's kind. */
type CitizenFlowRef = Pick<Flow<string, CitizenData>, 'id' | 'stub' | 'data'>;

/** The flow as platform/otp sees it: the code's hash is bound to the flow's id, its daily caps to the card. */
const otpFlowOf = (flow: CitizenFlowRef): OtpFlow => ({ id: flow.id, stub: flow.stub, serial: flow.data.serial });

/**
 * Password checked, flow of `kind` started at step `otp` with the data `dataOf` makes of who proved
 * themselves, SMS sent: the flow's id and data.
 */
export async function startCitizenFlow<Step extends string, Data extends CitizenData>(
  env: Env,
  body: Record<string, unknown>,
  kind: CitizenFlowKind<Step, Data>,
  dataOf: (citizen: CitizenData) => Data,
): Promise<{ flowId: string; data: Data }> {
  const username = field(body, 'username', USERNAME_MAX).trim();
  const password = field(body, 'password', PASSWORD_FIELD_MAX);
  const check = await checkPassword(env, username, password);
  if (check.outcome === 'throttled') {
    throw tooManyRequests(throttleMessage(check.retryAt, Date.now()), Math.max(1, Math.ceil((check.retryAt - Date.now()) / 1000)));
  }
  if (check.outcome === 'wrong') throw new HttpError(401, 'invalid_credentials', WRONG_CREDENTIALS);
  const refusal = cardRefusal(check.card, new Date());
  if (refusal) throw new HttpError(403, 'card_refused', REFUSAL_MESSAGES[refusal]);

  const data = dataOf({ serial: check.serial, fiscalCode: check.card.fiscalCode, maskedPhone: maskPhone(check.card.phone) });
  return { flowId: await openCitizenFlow(env, kind, data), data };
}

/**
 * A citizen flow of `kind` for someone already identified (the password above, or the personal
 * area's session), started at `otp` with the code sent to the number on record, or to `to` (a new
 * email address to verify): the flow's id.
 */
export async function openCitizenFlow<Step extends string, Data extends CitizenData>(
  env: Env,
  kind: CitizenFlowKind<Step, Data>,
  data: Data,
  to?: string,
): Promise<string> {
  const flow = await startFlow(env, kind, 'otp', data);
  if (!flow) throw unavailable();
  // One code per flow (no resend: starting again is as quick), within the identity's daily cap.
  const sent = await sendOtp(env, otpFlowOf(flow), kind.otp, to ? { to } : {});
  if (sent.sent) return flow.id;
  await endFlow(flow);
  // The flow was started just now: only a card deleted meanwhile leaves nowhere to send the code.
  if (sent.reason === 'moved' || sent.reason === 'gone') throw unavailable();
  throw tooManyRequests(otpRefusalMessage(kind.otp, sent), sent.retryAfter);
}

/**
 * R-OTP-1, R-OTP-2: the flow's SMS code, or the reason it is refused (the fifth wrong one closes the
 * flow, and the citizen is then told the flow is gone in the kind's words).
 */
export async function checkCitizenOtp<Step extends string, Data extends CitizenData>(
  env: Env,
  kind: CitizenFlowKind<Step, Data>,
  flow: CitizenFlowRef,
  body: Record<string, unknown>,
): Promise<void> {
  const otp = typeof body.otp === 'string' ? body.otp.trim() : '';
  if (!isOtpShape(otp)) throw badRequest(`Il codice di verifica è di ${OTP_DIGITS} cifre.`, [{ field: 'otp', message: 'formato' }]);
  const check = await checkOtp(env, otpFlowOf(flow), kind.otp, otp);
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
      throw flowGone(kind);
  }
}
