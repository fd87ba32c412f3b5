import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { HttpError } from '../../core/errors';
import { isOtpShape, OTP_CHECK_CAP_MESSAGE, OTP_DIGITS } from '../../core/otp';
import { type OtpSubject, otpRefusalMessage } from '../../core/otp-send';
import { type OtpFlow, type OtpSend, checkOtp, sendOtp } from '../../platform/otp';
import { afterSmsCode, type LoginAdvance } from '../../core/login-flow';
import { redirect } from '../../platform/http';
import { logAccess } from '../access-log';
import { type LoginFlow, type LoginState, flowGone, loginMove, loginPath, loginPost } from '../flow';
import { type OtpView, otpPage } from '../views/otp';
import { nextPage } from './show';

/** R-LOG-2: the code names the service the citizen is logging in to. */
const subjectOf = (flow: LoginFlow): OtpSubject => ({ for: 'login', serviceName: flow.request.clientName });
const otpFlow = (flow: LoginFlow, login: LoginState): OtpFlow => ({ id: flow.id, stub: flow.stub, serial: login.serial });

function otpState(flow: LoginFlow): LoginState & { maskedPhone: string } {
  if (!flow.login) throw flowGone();
  return { ...flow.login, maskedPhone: flow.login.maskedPhone ?? '' };
}

/** POST /login/:flowId/otp — R-LOG-2 (SMS), R-OTP-1, R-OTP-2. */
export async function postOtp(request: IRequest, env: Env): Promise<Response> {
  const posted = await loginPost(request, env, String(request.params.flowId ?? ''), ['otp']);
  if (posted instanceof Response) return posted;
  const { flow, form } = posted;
  const { id: flowId, csrf, request: req } = flow;
  const login = otpState(flow);
  const view = { flowId, csrf, request: req, maskedPhone: login.maskedPhone };

  const code = (form.get('otp') ?? '').trim();
  if (!isOtpShape(code)) {
    return otpPage({ ...view, error: `Il codice di verifica è di ${OTP_DIGITS} cifre.` }, 400);
  }
  // A right code moves the flow on in the same call and the answer is the page it moved to; if a
  // double submit or a second tab moved it first, the current page follows.
  const next = afterSmsCode(login, Date.now());
  const check = await checkOtp(env, otpFlow(flow, login), subjectOf(flow), code, loginMove(flow, next));
  switch (check.outcome) {
    case 'capped':
      await logAccess(env, login.serial, req, 'sms', 'wrong_otp', 'daily_cap');
      return otpPage({ ...view, error: OTP_CHECK_CAP_MESSAGE }, 429, { 'Retry-After': String(check.retryAfter) });
    case 'ok':
      return check.moved ? nextPage(env, flow, next) : redirect(loginPath(flowId));
    case 'wrong':
      await logAccess(env, login.serial, req, 'sms', 'wrong_otp');
      return otpPage({ ...view, error: `Codice errato. Tentativi rimasti: ${check.remaining}.` }, 400);
    case 'expired':
      await logAccess(env, login.serial, req, 'sms', 'wrong_otp', 'expired');
      return otpPage({ ...view, error: 'Il codice è scaduto: chiedine uno nuovo con «Invia di nuovo».' }, 400);
    case 'none':
      await logAccess(env, login.serial, req, 'sms', 'wrong_otp', 'no_code');
      return otpPage({ ...view, error: 'Nessun codice valido: chiedine uno nuovo con «Invia di nuovo».' }, 400);
    case 'closed':
      // R-OTP-2: the fifth wrong code closed the flow; the service has to start a new login.
      await logAccess(env, login.serial, req, 'sms', 'otp_attempts_exhausted');
      throw new HttpError(
        410,
        'flow_closed',
        "Hai inserito troppi codici errati: la richiesta di accesso è stata chiusa. Torna al sito del servizio e ripeti l'accesso.",
      );
    case 'gone':
      // Closed or expired while this code was on its way (another tab's fifth wrong code): no code
      // was compared, nothing to log; the page says what any closed login says.
      throw flowGone();
  }
}

/** A send that went out stays on the code page; one refused says why, with its Retry-After (R-OTP-3). */
function sendRefused(flow: LoginFlow, view: OtpView, sent: Exclude<OtpSend, { sent: true }>): Response {
  if (sent.reason === 'moved' || sent.reason === 'gone') throw flowGone();
  return otpPage({ ...view, error: otpRefusalMessage(subjectOf(flow), sent) }, 429, { 'Retry-After': String(sent.retryAfter) });
}

/**
 * Into the SMS step (R-LOG-2), from the password or from the App's "Autorizza tramite SMS". Only the
 * submit that moved the flow sends the first code; a concurrent double submit just follows.
 */
export async function startSms(env: Env, flow: LoginFlow, next: LoginAdvance): Promise<Response> {
  const { id: flowId, csrf, request: req } = flow;
  const login = next.login!;
  const sent = await sendOtp(env, otpFlow(flow, login), subjectOf(flow), { enter: loginMove(flow, next) });
  if (sent.sent) return nextPage(env, flow, next);
  if (sent.reason === 'moved') return redirect(loginPath(flowId));
  return sendRefused(flow, { flowId, csrf, request: req, maskedPhone: login.maskedPhone ?? '' }, sent);
}

/** POST /login/:flowId/otp/invia — "Invia di nuovo" (R-OTP-3). */
export async function postOtpResend(request: IRequest, env: Env): Promise<Response> {
  const posted = await loginPost(request, env, String(request.params.flowId ?? ''), ['otp']);
  if (posted instanceof Response) return posted;
  const { flow } = posted;
  const login = otpState(flow);
  const view = { flowId: flow.id, csrf: flow.csrf, request: flow.request, maskedPhone: login.maskedPhone };
  const sent = await sendOtp(env, otpFlow(flow, login), subjectOf(flow));
  if (!sent.sent) return sendRefused(flow, view, sent);
  return otpPage({ ...view, notice: 'Ti abbiamo inviato un nuovo codice: quello precedente non è più valido.' });
}
