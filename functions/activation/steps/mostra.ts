import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { captchaSiteKey } from '../../platform/captcha';
import { newCsrfToken } from '../../platform/csrf';
import { readCookie, setCookie } from '../../platform/cookies';
import { COOKIE_MAX_AGE_SECONDS, PRE_FLOW_CSRF_COOKIE, flowGone, flowIdFrom, loadFlow, withCookies } from '../flow';
import { closeFlow, currentStepPage } from '../render';
import { datiPage } from '../views/dati';
import { riepilogoPage } from '../views/riepilogo';

const CSRF_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Step 1.1 before a flow exists: the form token is the double-submit cookie's, reused across tabs. */
export function freshDatiPage(request: Request, env: Env): Response {
  const existing = readCookie(request, PRE_FLOW_CSRF_COOKIE);
  const token = existing && CSRF_SHAPE.test(existing) ? existing : newCsrfToken();
  const res = datiPage({ csrf: token, fiscalCode: '', serial: '', errors: [], captchaSiteKey: captchaSiteKey(env) });
  return token === existing ? res : withCookies(res, setCookie(new URL(request.url), PRE_FLOW_CSRF_COOKIE, token, COOKIE_MAX_AGE_SECONDS));
}

/** GET /attivazione — the current step of the flow named by the cookie, or step 1.1. */
export async function showActivation(request: IRequest, env: Env): Promise<Response> {
  const id = flowIdFrom(request);
  if (id === null) return freshDatiPage(request, env);
  const flow = await loadFlow(env, id);
  if (!flow) throw flowGone();
  if (flow.step === 'riepilogo') {
    const { fiscalCode, serial, verifiedEmail, mode } = flow.data;
    if (!mode) throw flowGone();
    // Shown once: the credentials are saved on the card, the flow has nothing left to do.
    return closeFlow(request, flow, riepilogoPage({ fiscalCode, serial, verifiedEmail, mode }));
  }
  const page = currentStepPage(flow);
  if (!page) throw flowGone();
  return page;
}
