import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { consentLabels } from '../../core/claim-labels';
import { loadLoginFlow, flowGone } from '../flow';
import { consentPage } from '../views/consent';
import { credentialsPage } from '../views/credentials';
import { otpPage } from '../views/otp';
import { refusedPage } from '../views/refused';
import { appWaitPage } from '../views/app-wait';
import { issueLoginQr } from '../qr';
import { maskFiscalCode } from '../../core/fiscal-code';
import type { LoginState } from '../flow';

/**
 * The holder the login has authenticated. A QR code or a push can be approved by a device other than
 * the one the citizen expects, so consent says whose identity is about to be used. From the flow, as
 * the step that learnt who it is wrote it: consent reads no card.
 */
function holderOf(login: LoginState | null) {
  return login?.holderName ? { name: login.holderName, maskedFiscalCode: maskFiscalCode(login.fiscalCode) } : null;
}

/** GET /login/:flowId — the page of the step the flow is at. */
export async function showLogin(request: IRequest, env: Env): Promise<Response> {
  const flow = await loadLoginFlow(env, request, String(request.params.flowId ?? ''));
  const { id: flowId, csrf, request: req, login } = flow;
  // Level 3 (card reading, R-LOG-4, R-LOG-5, R-LOG-6) comes in a later issue: refuse clearly instead of pretending.
  if (req.acr === 3) return refusedPage(flowId, csrf, req, 'level3_unavailable');
  switch (flow.step) {
    case 'credentials':
      return credentialsPage({ flowId, csrf, request: req, qr: await issueLoginQr(env, flow) });
    case 'otp':
      return otpPage({ flowId, csrf, request: req, maskedPhone: login?.maskedPhone ?? '' });
    case 'app':
      return appWaitPage({ flowId, csrf, request: req });
    case 'consent':
      return consentPage({ flowId, csrf, request: req, labels: consentLabels(req.scope, req.claims), holder: holderOf(login) });
    case 'refused':
      if (!login?.refusal) throw flowGone();
      return refusedPage(flowId, csrf, req, login.refusal);
  }
}
