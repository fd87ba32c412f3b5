import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { keepInput, parseOtp } from '../../core/activation-input';
import { LOGIN_FLOW } from '../../core/login-flow';
import { USERNAME_MAX } from '../../core/login-username';
import { throttleMessage } from '../../core/password-throttle';
import { PASSWORD_RECOVERY_FLOW, type PasswordRecoveryData, type PasswordRecoveryStep, recoverySubject, stepAfterSms } from '../../core/recovery-flows';
import { RECENT_PASSWORD, loginFlowParam, parseNewPassword } from '../../core/recovery-input';
import { type Flow, endFlow, moveFlow, moveOf, readFlow, startFlow } from '../../platform/flows';
import { endIdentitySessions } from '../../platform/identity-sessions';
import { notifyHolder } from '../../platform/notices';
import { cardObject } from '../../platform/objects';
import { hashPassword, verifyPassword } from '../../platform/password-hash';
import { redirect } from '../../platform/http';
import { CAPTCHA_FAILED, captchaSiteKey, formCaptchaPasses } from '../../platform/captcha';
import { requireSecrets } from '../../platform/secrets';
import { CODE_RESENT, checkCode, codeRefusal, emailOnRecord, issueCode, phoneOnRecord, resendRefusal } from '../codes';
import { clearFlowCookie, cookieFlow, endPreviousFlow, flowCookie, flowPost, preFlowCsrf, preFlowPost, unavailable, withCookies } from '../flow';
import { recoveryTarget } from '../identify';
import { PASSWORD_PATH, newPasswordPage, passwordCodePage, passwordDonePage, passwordGonePage, passwordRefusedPage, usernamePage } from '../views/password';

type RecoveryFlow = Flow<PasswordRecoveryStep, PasswordRecoveryData>;
const KIND = PASSWORD_RECOVERY_FLOW;

const USERNAME_MISSING = "Inserisci il numero CIE, il codice fiscale o l'email che usi per accedere.";

/** The page of the step the flow is at. */
function stepPage(
  flow: RecoveryFlow,
  extra: { errors?: string[]; info?: string; invalid?: boolean; status?: number; headers?: Record<string, string> } = {},
): Response {
  if (flow.step === 'password' || flow.step === 'fatto') return newPasswordPage({ csrf: flow.csrf, errors: extra.errors ?? [], status: extra.status });
  return passwordCodePage({ csrf: flow.csrf, step: flow.step, email: flow.data.email, errors: extra.errors ?? [], ...extra });
}

/** Leaving a flow for good: its page, the flow deleted, the cookie cleared. */
async function closeWith(request: Request, flow: RecoveryFlow, response: Response): Promise<Response> {
  await endFlow(flow);
  return withCookies(response, clearFlowCookie(request, KIND));
}

/** GET /recupero-password[?login=<flowId>] — the step of this browser's recovery, or the username form. */
export async function showPasswordRecovery(request: IRequest, env: Env): Promise<Response> {
  const flow = await cookieFlow(request, env, KIND);
  if (flow) return stepPage(flow);
  const login = loginFlowParam(new URL(request.url).searchParams.get('login'));
  const { token, cookie } = preFlowCsrf(request);
  const page = usernamePage({ csrf: token, login, username: '', errors: [], captchaSiteKey: captchaSiteKey(env) });
  return cookie ? withCookies(page, cookie) : page;
}

/**
 * POST /recupero-password — R-ACC-2: the username. Whether it names an identity that may recover or
 * not, a flow starts and the answer is the same redirect to the same code page (recovery/identify).
 */
export async function postUsername(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const { form, csrf } = await preFlowPost(request);
  const login = loginFlowParam(form.get('login'));
  const username = (form.get('username') ?? '').trim();
  const again = { csrf, login, captchaSiteKey: captchaSiteKey(env) };
  if (!username || username.length > USERNAME_MAX) {
    return usernamePage({ ...again, username: keepInput(form.get('username'), USERNAME_MAX), errors: [USERNAME_MISSING], invalid: true, status: 400 });
  }
  // Each start sends the holder an SMS and spends their day's sends: not for scripts (as the activation's first form).
  if (!(await formCaptchaPasses(env, request, form))) return usernamePage({ ...again, username, errors: [CAPTCHA_FAILED], status: 400 });
  const target = await recoveryTarget(env, username);
  if (!target.allowed) {
    const retryAfter = Math.max(1, Math.ceil((target.retryAt - Date.now()) / 1000));
    return usernamePage({
      ...again,
      username,
      errors: [throttleMessage(target.retryAt, Date.now())],
      status: 429,
      headers: { 'Retry-After': String(retryAfter) },
    });
  }
  await endPreviousFlow(request, env, KIND);
  const flow = await startFlow(env, KIND, 'sms', { serial: target.serial, email: target.email, decoyCaps: target.decoyCaps, loginFlowId: login });
  if (!flow) throw unavailable();
  await issueCode(env, ctx, flow, recoverySubject('sms'), phoneOnRecord(env, flow.data.serial));
  return withCookies(redirect(PASSWORD_PATH), flowCookie(request, KIND, flow.id));
}

/** POST /recupero-password/codice — the SMS code, then (with a verified email) the email's. */
export async function postPasswordCode(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const { flow, form } = await flowPost(request, env, KIND);
  if (flow.step !== 'sms' && flow.step !== 'email') return redirect(PASSWORD_PATH);
  const step = flow.step;
  const parsed = parseOtp(form.get('otp'));
  if (!parsed.ok) return stepPage(flow, { errors: parsed.errors, invalid: true, status: 400 });
  const next = step === 'sms' ? stepAfterSms(flow.data) : 'password';
  const check = await checkCode(env, flow, recoverySubject(step), parsed.value, moveOf(flow, next));
  switch (check.outcome) {
    case 'ok':
      if (next === 'email') {
        await issueCode(env, ctx, flow, recoverySubject('email'), emailOnRecord(env, flow.data.serial, flow.data.email));
      }
      return redirect(PASSWORD_PATH);
    default: {
      const refusal = codeRefusal(check, KIND.goneMessage);
      return 'ended' in refusal ? closeWith(request, flow, passwordGonePage(refusal.ended)) : stepPage(flow, refusal.again);
    }
  }
}

/** POST /recupero-password/invia — "Invia di nuovo" (R-OTP-3): the step's code again, at most one every 30 s. */
export async function postPasswordResend(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const { flow } = await flowPost(request, env, KIND);
  if (flow.step !== 'sms' && flow.step !== 'email') return redirect(PASSWORD_PATH);
  const step = flow.step;
  const recipient = step === 'email' ? emailOnRecord(env, flow.data.serial, flow.data.email) : phoneOnRecord(env, flow.data.serial);
  const issued = await issueCode(env, ctx, flow, recoverySubject(step), recipient);
  if (issued.issued) return stepPage(flow, { info: CODE_RESENT });
  const refusal = resendRefusal(issued, recoverySubject(step), KIND.goneMessage);
  return 'ended' in refusal ? closeWith(request, flow, passwordGonePage(refusal.ended)) : stepPage(flow, refusal.again);
}

/**
 * POST /recupero-password/nuova — R-ACT-5 policy, not one of the last 5 (R-ACC-2); then every other
 * session and token of the identity ends and the holder is told. The move to `fatto` is taken by one
 * post only: two posts at once cannot both set a password.
 */
export async function postNewPassword(request: IRequest, env: Env): Promise<Response> {
  const { flow, form } = await flowPost(request, env, KIND);
  if (flow.step !== 'password') return redirect(PASSWORD_PATH);
  const serial = flow.data.serial;
  // Only a right code leads here, and a decoy's code matches nothing: a defect, never a citizen's doing.
  if (serial === null) throw new Error('a decoy recovery reached its password step');
  const parsed = parseNewPassword(form.get('password'), form.get('passwordConfirm'));
  if (!parsed.ok) return newPasswordPage({ csrf: flow.csrf, errors: parsed.errors, invalid: parsed.fields, status: 400 });
  const { pepper } = requireSecrets(env);
  const card = cardObject(env, serial);
  const recent = await card.recentPasswordHashes();
  const reused = await Promise.all(recent.map((hash) => verifyPassword(pepper, parsed.value, hash)));
  if (reused.some(Boolean)) return newPasswordPage({ csrf: flow.csrf, errors: [RECENT_PASSWORD], invalid: ['password'], status: 400 });
  const hash = await hashPassword(pepper, parsed.value);
  if (!(await moveFlow(flow, 'fatto'))) return redirect(PASSWORD_PATH);
  const now = Date.now();
  if (!(await card.setPassword(hash, now))) return closeWith(request, flow, passwordRefusedPage());
  await endIdentitySessions(env, serial, { now });
  await notifyHolder(env, serial, { kind: 'password_recovered' });
  return closeWith(request, flow, passwordDonePage(await openLoginPath(env, flow.data.loginFlowId)));
}

/** The login's credentials page while that login is open; a login of ours only, never an address the browser gave. */
async function openLoginPath(env: Env, loginFlowId: string | null): Promise<string | null> {
  if (!loginFlowId) return null;
  return (await readFlow(env, LOGIN_FLOW, loginFlowId)) ? `/login/${loginFlowId}` : null;
}
