import { forbidden } from '../../core/errors';
import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { satisfies } from '../../core/login-levels';
import { atConsent } from '../../core/login-flow';
import { redirect } from '../../platform/http';
import { cardObject } from '../../platform/objects';
import { logAccess } from '../access-log';
import { advanceLogin, flowGone, loginPath, loginPost } from '../flow';
import { completeLogin } from '../../oidc/handoff';

/** POST /login/:flowId/consenso — "Prosegui" on the consent page (R-LOG-7): the RP gets its code. */
export async function postConsent(request: IRequest, env: Env): Promise<Response> {
  const posted = await loginPost(request, env, String(request.params.flowId ?? ''), ['consent']);
  if (posted instanceof Response) return posted;
  const { flow } = posted;
  const { login, request: req } = flow;
  if (!login?.proven) throw flowGone();
  // R-LVL-2, R-LVL-4: whatever path led here, the level proven must cover the level asked for.
  if (!satisfies(login.proven.level, req.acr)) throw forbidden('Livello di autenticazione insufficiente.');

  // The card may have been blocked while the citizen was on the consent page (R-CARD-3: "at once").
  const card = await cardObject(env, login.serial).view();
  const refused = atConsent(login, card, req.acr, Date.now());
  if (refused) {
    await logAccess(env, login.serial, req, login.proven.method, 'card_refused', refused.login?.refusal);
    // A double submit or a second tab may have moved the flow on: either way the current page follows.
    await advanceLogin(flow, refused);
    return redirect(loginPath(flow.id));
  }

  // completeLogin writes the access log's line (R-LOG-9) in the Card call that admits the grant.
  return completeLogin(env, flow.handoff, {
    serial: login.serial,
    fiscalCode: login.fiscalCode,
    level: login.proven.level,
    method: login.proven.method,
    authTime: login.proven.authTime,
    // A login proven without a password (the App's QR code) relied on the credentials when proven.
    credentialsCheckedAt: login.passwordCheckedAt ?? login.proven.authTime,
  });
}
