import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { afterPassword, needsDeviceCount } from '../../core/login-flow';
import { maskPhone } from '../../core/contacts';
import { USERNAME_MAX } from '../../core/login-username';
import { WRONG_CREDENTIALS } from '../../core/login-messages';
import { throttleMessage } from '../../core/password-throttle';
import { redirect } from '../../platform/http';
import { logAccess } from '../access-log';
import { advanceLogin, loginPath, loginPost } from '../flow';
import { cardObject } from '../../platform/objects';
import { startPush } from './app';
import { startSms } from './otp';
import { PASSWORD_FIELD_MAX, checkPassword } from '../../platform/password-check';
import { type CredentialsView, credentialsPage } from '../views/credentials';
import { issueLoginQr } from '../qr';
import { nextPage } from './show';

const MISSING_CREDENTIALS = "Inserisci il numero CIE, il codice fiscale o l'email, e la password.";

/** POST /login/:flowId/credenziali — R-LOG-1, R-LOG-8, R-CARD-3, R-CARD-4, then the second factor or consent. */
export async function postCredentials(request: IRequest, env: Env): Promise<Response> {
  const posted = await loginPost(request, env, String(request.params.flowId ?? ''), ['credentials']);
  if (posted instanceof Response) return posted;
  const { flow, form } = posted;
  const { id: flowId, request: req } = flow;
  if (req.acr === 3) return redirect(loginPath(flowId));
  // Every re-rendering carries a fresh QR code (R-LOG-3): the previous one is no longer on screen.
  const again = async (view: Omit<CredentialsView, 'flowId' | 'csrf' | 'request'>, status: number, headers: Record<string, string> = {}) =>
    credentialsPage({ flowId, csrf: flow.csrf, request: req, qr: await issueLoginQr(env, flow), ...view }, status, headers);

  const username = (form.get('username') ?? '').trim();
  const password = form.get('password') ?? '';
  const keep = username.slice(0, USERNAME_MAX);
  if (!username || !password) {
    return again({ username: keep, error: MISSING_CREDENTIALS }, 400);
  }
  if (username.length > USERNAME_MAX || password.length > PASSWORD_FIELD_MAX) {
    return again({ username: keep, error: WRONG_CREDENTIALS }, 400);
  }

  // R-ACC-2: taken before the Card's hash is read, so a password set while this one is checked
  // counts as set after it, and the login's grant is refused (core/identity-grants grantRefusal).
  const checkedAt = Date.now();
  // A refused attempt on an existing identity is logged by the check itself, inside the Card's own
  // call (R-LOG-8: a call of its own here made a wrong password slower than an unknown username).
  const check = await checkPassword(env, username, password, { rp: req.clientId, rpName: req.clientName, level: req.acr, method: 'password' });
  if (check.outcome === 'throttled') {
    const retryAfter = Math.max(1, Math.ceil((check.retryAt - Date.now()) / 1000));
    return again({ username: keep, error: throttleMessage(check.retryAt, Date.now()) }, 429, { 'Retry-After': String(retryAfter) });
  }
  if (check.outcome === 'wrong') {
    return again({ username: keep, error: WRONG_CREDENTIALS }, 400);
  }

  const { serial, card } = check;
  const now = Date.now();
  const certified = needsDeviceCount(card, req.acr, now) && (await cardObject(env, serial).liveDevices()) > 0;
  const next = afterPassword(serial, card, req.acr, certified, maskPhone, now, checkedAt);
  if ('stay' in next) return redirect(loginPath(flowId));
  if (next.to === 'refused') await logAccess(env, serial, req, 'password', 'card_refused', next.login?.refusal);
  if (next.to === 'app') return startPush(env, flow, next);
  if (next.to === 'otp') return startSms(env, flow, next);
  // A double submit or a second tab may have moved the flow on: then the current page follows.
  return (await advanceLogin(flow, next)) ? nextPage(env, flow, next) : redirect(loginPath(flowId));
}
