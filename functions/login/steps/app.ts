import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { json, redirect } from '../../platform/http';
import { logAccess } from '../access-log';
import { approvalWaitMessage } from '../../core/app-approvals';
import { openApproval } from '../../platform/app-approvals';
import { APPROVAL_SETTLES_FROM, type LoginAdvance, toQrFromApp, toSmsFromApp } from '../../core/login-flow';
import { type LoginFlow, type LoginState, advanceLogin, flowGone, loadLoginFlow, loginPath, loginPost, movedLogin } from '../flow';
import { appWaitPage } from '../views/app-wait';
import { startSms } from './otp';

/** The push for this flow's identity; a flood of them is refused by the Card (429 on the page). */
async function push(env: Env, flow: LoginFlow, login: LoginState, notice?: string): Promise<Response> {
  const view = { flowId: flow.id, csrf: flow.csrf, request: flow.request };
  const opened = await openApproval(
    env,
    { flowId: flow.id, request: flow.request, serial: login.serial, kind: 'push', deviceId: null, fromSteps: [APPROVAL_SETTLES_FROM.push] },
    flow.stub,
  );
  if (!opened.opened) {
    if ('gone' in opened) throw flowGone();
    await logAccess(env, login.serial, flow.request, 'app', 'throttled', 'approvals');
    return appWaitPage({ ...view, error: approvalWaitMessage(opened.waitSeconds) }, 429, { 'Retry-After': String(opened.waitSeconds) });
  }
  // The page at once rather than a redirect to it (steps/show.ts nextPage).
  return appWaitPage(notice ? { ...view, notice } : view);
}

/** R-LOG-2, App branch: after the password, the flow waits for the App and a push is sent. */
export async function startPush(env: Env, flow: LoginFlow, next: LoginAdvance): Promise<Response> {
  // Only the submit that moved the flow sends the push; a concurrent double submit just follows.
  if (!(await advanceLogin(flow, next)) || !next.login) return redirect(loginPath(flow.id));
  return push(env, movedLogin(flow, next), next.login);
}

function appState(flow: LoginFlow): LoginState {
  if (!flow.login) throw flowGone();
  return flow.login;
}

/** POST /login/:flowId/app/invia — "invia una nuova notifica": a new push; the previous one stops working. */
export async function postAppResend(request: IRequest, env: Env): Promise<Response> {
  const posted = await loginPost(request, env, String(request.params.flowId ?? ''), ['app']);
  if (posted instanceof Response) return posted;
  return push(env, posted.flow, appState(posted.flow), 'Ti abbiamo inviato una nuova notifica: quella precedente non è più valida.');
}

/** POST /login/:flowId/app/sms — "Autorizza tramite SMS": the SMS branch instead; the push stops working. */
export async function postAppSms(request: IRequest, env: Env): Promise<Response> {
  const posted = await loginPost(request, env, String(request.params.flowId ?? ''), ['app']);
  if (posted instanceof Response) return posted;
  const { flow } = posted;
  await flow.stub.clearAppChallenge();
  return startSms(env, flow, toSmsFromApp(appState(flow)));
}

/**
 * POST /login/:flowId/app/qr — "Vai al QR code": back to the level 2 page, whose QR code the App scans
 * (R-LOG-3). The password step is left behind: the QR login stands on the device and its App code.
 */
export async function postAppQr(request: IRequest, env: Env): Promise<Response> {
  const posted = await loginPost(request, env, String(request.params.flowId ?? ''), ['app']);
  if (posted instanceof Response) return posted;
  const { flow } = posted;
  await flow.stub.clearAppChallenge();
  await advanceLogin(flow, toQrFromApp);
  return redirect(`${loginPath(flow.id)}#app-title`);
}

/** GET /login/:flowId/stato — the waiting page's polling fallback: the step, nothing else. */
export async function getLoginStatus(request: IRequest, env: Env): Promise<Response> {
  const flow = await loadLoginFlow(env, request, String(request.params.flowId ?? ''));
  return json({ step: flow.step });
}

/** GET /login/:flowId/attesa (Upgrade: websocket) — handed to the flow's object, which hibernates it. */
export async function waitSocket(request: IRequest, env: Env): Promise<Response> {
  if (request.headers.get('Upgrade')?.toLowerCase() !== 'websocket') {
    return json({ error: 'upgrade_required', error_description: 'WebSocket atteso' }, 426, { Upgrade: 'websocket' });
  }
  const flow = await loadLoginFlow(env, request, String(request.params.flowId ?? ''));
  return flow.stub.fetch(request);
}
