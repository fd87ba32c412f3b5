import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { ACTIVATION_FIELD_MAX, keepInput, parseIdentity, parseOtp } from '../../core/activation-input';
import { PUK_RECOVERY_FLOW, PUK_SUBJECT } from '../../core/recovery-flows';
import { issuerOf } from '../../oidc/issuer';
import { redirect } from '../../platform/http';
import { CAPTCHA_FAILED, captchaSiteKey, formCaptchaPasses } from '../../platform/captcha';
import { CODE_RESENT, type CodeRefusal, codeRefusal, issueCode, phoneOnRecord, resendRefusal } from '../codes';
import { clearFlowCookie, cookieFlow, endPreviousFlow, flowCookie, flowPost, preFlowCsrf, preFlowPost, unavailable, withCookies } from '../flow';
import { PUK_START_CAP_MESSAGE, type PukFlow, finishPukRequest, startPukRecovery } from '../puk';
import { tooManyRequests } from '../../core/errors';
import { PUK_PATH, pukCodePage, pukFormPage, pukGonePage, pukRefusedPage, pukRequestedPage } from '../views/puk';

const KIND = PUK_RECOVERY_FLOW;

/** GET /recupero-puk — this browser's request at its code, or the form. */
export async function showPukRecovery(request: IRequest, env: Env): Promise<Response> {
  const flow = await cookieFlow(request, env, KIND);
  if (flow) return pukCodePage({ csrf: flow.csrf, errors: [] });
  const { token, cookie } = preFlowCsrf(request);
  const page = pukFormPage({ csrf: token, fiscalCode: '', serial: '', errors: [], captchaSiteKey: captchaSiteKey(env) });
  return cookie ? withCookies(page, cookie) : page;
}

/** POST /recupero-puk — R-PUK-2: codice fiscale and serial; the same redirect whatever the pair (recovery/puk). */
export async function postPukPair(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const { form, csrf } = await preFlowPost(request);
  const parsed = parseIdentity(form.get('fiscalCode'), form.get('serial'));
  const again = {
    csrf,
    fiscalCode: keepInput(form.get('fiscalCode'), ACTIVATION_FIELD_MAX.fiscalCode),
    serial: keepInput(form.get('serial'), ACTIVATION_FIELD_MAX.serial),
    captchaSiteKey: captchaSiteKey(env),
    status: 400,
  };
  if (!parsed.ok) return pukFormPage({ ...again, errors: parsed.errors, invalid: parsed.fields });
  // Each start sends the holder an SMS and spends their day's sends: not for scripts (as the activation's first form).
  if (!(await formCaptchaPasses(env, request, form))) return pukFormPage({ ...again, errors: [CAPTCHA_FAILED] });
  await endPreviousFlow(request, env, KIND);
  const started = await startPukRecovery(env, ctx, parsed.value.fiscalCode, parsed.value.serial);
  if (!started) throw unavailable();
  // The web's form counts no requests (its captcha stands for that): never capped here.
  if ('capped' in started) throw tooManyRequests(PUK_START_CAP_MESSAGE, started.capped);
  return withCookies(redirect(PUK_PATH), flowCookie(request, KIND, started.flow.id));
}

/** POST /recupero-puk/codice — the code; once right, the request (or the one already running) and when the PUK can be seen. */
export async function postPukCode(request: IRequest, env: Env): Promise<Response> {
  const { flow, form } = await flowPost(request, env, KIND);
  const parsed = parseOtp(form.get('otp'));
  if (!parsed.ok) return pukCodePage({ csrf: flow.csrf, errors: parsed.errors, invalid: true, status: 400 });
  const done = await finishPukRequest(env, flow, parsed.value, issuerOf(env, request));
  const closed = (response: Response) => withCookies(response, clearFlowCookie(request, KIND));
  switch (done.outcome) {
    case 'requested':
    case 'waiting':
    case 'released':
      return closed(pukRequestedPage(done));
    case 'refused':
      return closed(pukRefusedPage());
    case 'code':
      return refused(request, flow, codeRefusal(done.check, KIND.goneMessage));
  }
}

/** A refused code: the code's page again, or the flow's end (its cookie cleared). */
function refused(request: Request, flow: PukFlow, refusal: CodeRefusal): Response {
  if ('ended' in refusal) return withCookies(pukGonePage(refusal.ended), clearFlowCookie(request, KIND));
  return pukCodePage({ csrf: flow.csrf, ...refusal.again });
}

/** POST /recupero-puk/invia — "Invia di nuovo" (R-OTP-3). */
export async function postPukResend(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const { flow } = await flowPost(request, env, KIND);
  const issued = await issueCode(env, ctx, flow, PUK_SUBJECT, phoneOnRecord(env, flow.data.serial));
  if (issued.issued) return pukCodePage({ csrf: flow.csrf, errors: [], info: CODE_RESENT });
  return refused(request, flow, resendRefusal(issued, PUK_SUBJECT, KIND.goneMessage));
}
