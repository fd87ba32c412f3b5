import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { logAccess } from '../access-log';
import { loginPost } from '../flow';
import { denyLogin } from '../../oidc/handoff';
import { LOGIN_FLOW, type LoginStep, cancelMethod } from '../../core/login-flow';

/** Every page of the login has "Annulla" (or "Torna al servizio"). */
const EVERY_STEP = Object.keys(LOGIN_FLOW.moves) as LoginStep[];

/**
 * POST /login/:flowId/annulla — "Annulla" on any page, and "Torna al servizio" after a refusal:
 * the citizen goes back to the service with `access_denied` (R-LOG-7, C-20, C-21).
 */
export async function postCancel(request: IRequest, env: Env): Promise<Response> {
  const posted = await loginPost(request, env, String(request.params.flowId ?? ''), EVERY_STEP);
  if (posted instanceof Response) return posted;
  const { flow } = posted;
  const { login, request: req } = flow;
  if (flow.step === 'refused') {
    return denyLogin(env, flow.id, 'access_denied', 'Accesso non consentito');
  }
  // Before a right password (or a card) nobody is known, so there is no holder to log the cancellation for.
  if (login) await logAccess(env, login.serial, req, cancelMethod(flow.step, login), 'cancelled');
  return denyLogin(env, flow.id, 'access_denied', "Accesso annullato dall'utente");
}
