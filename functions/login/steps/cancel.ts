import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { logAccess } from '../access-log';
import { loginPost } from '../flow';
import { denyLogin } from '../../oidc/handoff';

/**
 * POST /login/:flowId/annulla — "Annulla" on any page, and "Torna al servizio" after a refusal:
 * the citizen goes back to the service with `access_denied` (R-LOG-7, C-20, C-21).
 */
export async function postCancel(request: IRequest, env: Env): Promise<Response> {
  const posted = await loginPost(request, env, String(request.params.flowId ?? ''), ['credentials', 'otp', 'app', 'consent', 'refused']);
  if (posted instanceof Response) return posted;
  const { flow } = posted;
  const { login, request: req } = flow;
  if (flow.step === 'refused' || req.acr === 3) {
    return denyLogin(env, flow.id, 'access_denied', 'Accesso non consentito');
  }
  // Before a right password nobody is known, so there is no holder to log the cancellation for.
  if (login) await logAccess(env, login.serial, req, login.proven?.method ?? (flow.step === 'app' ? 'app' : 'sms'), 'cancelled');
  return denyLogin(env, flow.id, 'access_denied', "Accesso annullato dall'utente");
}
