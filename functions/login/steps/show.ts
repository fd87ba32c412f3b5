import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { consentLabels } from '../../core/claim-labels';
import { type LoginFlow, advanceLogin, loadLoginFlow, flowGone, movedLogin } from '../flow';
import { consentPage } from '../views/consent';
import { credentialsPage } from '../views/credentials';
import { otpPage } from '../views/otp';
import { refusedPage } from '../views/refused';
import { appWaitPage } from '../views/app-wait';
import { issueLoginQr } from '../qr';
import { maskFiscalCode } from '../../core/fiscal-code';
import { type LoginAdvance, toLevel3 } from '../../core/login-flow';
import type { LoginState } from '../flow';
import { l3ChoicePage, l3ReaderPage, l3SerialPage } from '../views/level3';
import { pcPage, phonePage } from './level3';

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
  return stepPage(env, await loadLoginFlow(env, request, String(request.params.flowId ?? '')));
}

/**
 * The answer to a post that moved the flow: the page of the step it moved to, at once. A redirect to
 * GET /login/:flowId would cost the login a request and a read of its flow per step (issue 15); a
 * reload re-posts the form, which finds the flow moved on and goes to the current page (loginPost).
 */
export const nextPage = (env: Env, flow: LoginFlow, advance: LoginAdvance): Promise<Response> => stepPage(env, movedLogin(flow, advance));

/** The page of the step `flow` is at. */
async function stepPage(env: Env, flow: LoginFlow): Promise<Response> {
  const { id: flowId, csrf, request: req, login } = flow;
  const view = { flowId, csrf, request: req };
  switch (flow.step) {
    case 'credentials':
      // R-LVL-3: a level 3 request has no level 2 page. One opened at `credentials` moves to the
      // choice of the way (core/login-flow.ts' firstLoginStep is where /oidc/authorize starts it).
      if (req.acr === 3) {
        await advanceLogin(flow, toLevel3(3)!);
        return l3ChoicePage(view);
      }
      return credentialsPage({ flowId, csrf, request: req, qr: await issueLoginQr(env, flow) });
    case 'otp':
      return otpPage({ flowId, csrf, request: req, maskedPhone: login?.maskedPhone ?? '' });
    case 'app':
      return appWaitPage({ flowId, csrf, request: req });
    case 'consent':
      return consentPage({
        flowId,
        csrf,
        request: req,
        labels: consentLabels(req.scope, req.claims),
        holder: holderOf(login),
        byCard: login?.proven?.method === 'card',
      });
    case 'l3':
      return l3ChoicePage(view);
    case 'l3-phone':
      return phonePage(env, flow);
    case 'l3-serial':
      return l3SerialPage({ ...view, serial: flow.l3?.serial, restart: flow.l3?.restart });
    case 'l3-qr':
    case 'l3-otp':
      return pcPage(env, flow);
    case 'l3-reader':
      return l3ReaderPage(view);
    case 'refused':
      if (!login?.refusal) throw flowGone();
      return refusedPage(flowId, csrf, req, login.refusal);
  }
}
