import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { HttpError } from '../../core/errors';
import { OTP_CHECK_CAP_MESSAGE, OTP_DIGITS, isOtpShape } from '../../core/otp';
import {
  L3_QR_TTL_MS,
  afterCardOtp,
  afterCardRefusal,
  afterReader,
  afterSerial,
  backToLevel2,
  cardRefusalMessage,
  isLoginRefusal,
  l3SecondsLeft,
  l3TimeIsUp,
  restartL3,
  toL3Choice,
  toL3Way,
  toLevel3,
  typedSerial,
} from '../../core/login-flow';
import { cardOtpSubject } from '../../platform/app-approvals';
import { verifyCardPresentation } from '../../platform/card-auth';
import { redirect } from '../../platform/http';
import { grantIdOf } from '../../platform/objects';
import { checkOtp } from '../../platform/otp';
import { logAccess } from '../access-log';
import { type LoginFlow, type LoginStep, advanceLogin, flowGone, loginMove, loginPath, loginPost } from '../flow';
import { issueL3Code } from '../qr';
import { readerCertificate } from '../reader';
import { l3PcPage, l3PhonePage, l3ReaderPage, l3SerialPage } from '../views/level3';

/**
 * The level 3 pages' posts (R-LVL-3, R-LOG-4, R-LOG-5, R-LOG-6): each moves the login as core/login-flow.ts
 * decides, and the page of the step it lands on follows (303). The App's side — the card's signature
 * over the login's challenge — is app/steps/card-login.ts.
 */
const flowIdOf = (request: IRequest) => String(request.params.flowId ?? '');

/** A move that needs no input: only the request that made it matters; a double submit just follows. */
async function move(request: IRequest, env: Env, from: readonly LoginStep[], decide: (flow: LoginFlow) => Parameters<typeof advanceLogin>[1] | null) {
  const posted = await loginPost(request, env, flowIdOf(request), from);
  if (posted instanceof Response) return posted;
  const next = decide(posted.flow);
  if (next) await advanceLogin(posted.flow, next);
  return redirect(loginPath(posted.flow.id));
}

/** POST /login/:flowId/l3 — "Entra con lettura carta" on the level 2 page. */
export const postToLevel3 = (request: IRequest, env: Env) => move(request, env, ['credentials'], (flow) => toLevel3(flow.request.acr));

/** POST /login/:flowId/l3/livello2 — "Torna a Livello 2" (a level 2 request only). */
export const postBackToLevel2 = (request: IRequest, env: Env) => move(request, env, ['l3'], (flow) => backToLevel2(flow.request.acr));

/** POST /login/:flowId/l3/smartphone — "Prosegui con smartphone" (R-LOG-4, R-LOG-5). */
export const postL3Phone = (request: IRequest, env: Env) => move(request, env, ['l3'], () => toL3Way('phone'));

/** POST /login/:flowId/l3/computer — "Prosegui con computer" (R-LOG-6). */
export const postL3Computer = (request: IRequest, env: Env) => move(request, env, ['l3'], () => toL3Way('reader'));

/** POST /login/:flowId/l3/modalita — "Cambia modalità": back to the choice. */
export const postL3Choice = (request: IRequest, env: Env) => move(request, env, ['l3-phone', 'l3-serial', 'l3-reader'], () => toL3Choice);

const SERIAL_MALFORMED = 'Inserisci il numero di serie della carta: due lettere, cinque cifre e due lettere, come CA00000AA.';

/** The phone's page as it is shown, with a new deep link (each rendering issues one). */
export async function phonePage(env: Env, flow: LoginFlow, extra: { error?: string; serial?: string } = {}, status = 200): Promise<Response> {
  const code = await issueL3Code(env, flow, Date.now() + L3_QR_TTL_MS);
  return l3PhonePage({ flowId: flow.id, csrf: flow.csrf, request: flow.request, code, ...extra }, status);
}

/** POST /login/:flowId/l3/seriale — R-LOG-5: "Numero di serie" and "Procedi": FASE 1's QR code, valid 300 s. */
export async function postSerial(request: IRequest, env: Env): Promise<Response> {
  const posted = await loginPost(request, env, flowIdOf(request), ['l3-phone', 'l3-serial']);
  if (posted instanceof Response) return posted;
  const { flow, form } = posted;
  const typed = (form.get('serial') ?? '').slice(0, 32);
  const serial = typedSerial(typed);
  if (!serial) {
    const shown = { error: SERIAL_MALFORMED, serial: typed.trim() };
    if (flow.step === 'l3-phone') return phonePage(env, flow, shown, 400);
    return l3SerialPage({ flowId: flow.id, csrf: flow.csrf, request: flow.request, ...shown }, 400);
  }
  // Whether the serial names a card is not said here: the card that signs must carry it (R-LOG-5).
  await advanceLogin(flow, afterSerial(serial, Date.now()));
  return redirect(loginPath(flow.id));
}

/** POST /login/:flowId/l3/ricomincia — "Ricomincia": the serial once more; a scan in progress stops counting. */
export async function postRestart(request: IRequest, env: Env): Promise<Response> {
  const posted = await loginPost(request, env, flowIdOf(request), ['l3-qr']);
  if (posted instanceof Response) return posted;
  const { flow } = posted;
  await flow.stub.clearAppChallenge();
  await advanceLogin(flow, restartL3(flow.l3, l3TimeIsUp(flow.l3, Date.now()) ? 'late' : undefined));
  return redirect(loginPath(flow.id));
}

/** FASE 1 and FASE 2 as the flow stands (l3-qr: a new QR code of this rendering; l3-otp: scanned). */
export async function pcPage(env: Env, flow: LoginFlow, extra: { error?: string } = {}, status = 200, headers: Record<string, string> = {}): Promise<Response> {
  const l3 = flow.l3;
  if (!l3) throw flowGone();
  const secondsLeft = l3SecondsLeft(l3, Date.now());
  const phase = flow.step === 'l3-otp' ? 'otp' : 'qr';
  const qr = phase === 'qr' && secondsLeft > 0 ? await issueL3Code(env, flow, l3.deadline) : undefined;
  return l3PcPage({ flowId: flow.id, csrf: flow.csrf, request: flow.request, phase, serial: l3.serial, qr, secondsLeft, ...extra }, status, headers);
}

/**
 * POST /login/:flowId/l3/otp — R-LOG-5, FASE 2: the code the App shows, typed on the PC that showed the
 * QR code (another browser has no flow: 410), within the try's 300 s. Right → consent, proven at
 * level 3 by the card; wrong or late → start again. The flow's code counts wrong codes for the whole
 * login (R-OTP-2: the fifth closes it) and the identity's checks for the day, as every code does.
 */
export async function postL3Otp(request: IRequest, env: Env): Promise<Response> {
  const posted = await loginPost(request, env, flowIdOf(request), ['l3-otp']);
  if (posted instanceof Response) return posted;
  const { flow, form } = posted;
  const { request: req, login, l3 } = flow;
  if (!login || !l3) throw flowGone();
  const code = (form.get('otp') ?? '').trim();
  if (!isOtpShape(code)) return pcPage(env, flow, { error: `Il codice OTP è di ${OTP_DIGITS} cifre.` }, 400);
  const now = Date.now();
  if (l3TimeIsUp(l3, now)) {
    await logAccess(env, login.serial, req, 'card', 'wrong_otp', 'expired');
    await advanceLogin(flow, restartL3(l3, 'late'));
    return redirect(loginPath(flow.id));
  }
  const otpFlow = { id: grantIdOf(env, flow.id), stub: flow.stub, serial: login.serial };
  const check = await checkOtp(env, otpFlow, cardOtpSubject(req.clientName), code, loginMove(flow, afterCardOtp(login, now)));
  switch (check.outcome) {
    case 'ok':
      return redirect(loginPath(flow.id));
    case 'capped':
      await logAccess(env, login.serial, req, 'card', 'wrong_otp', 'daily_cap');
      return pcPage(env, flow, { error: OTP_CHECK_CAP_MESSAGE }, 429, { 'Retry-After': String(check.retryAfter) });
    case 'wrong':
    case 'expired':
    case 'none':
      await logAccess(env, login.serial, req, 'card', 'wrong_otp', check.outcome === 'wrong' ? undefined : check.outcome === 'expired' ? 'expired' : 'no_code');
      await advanceLogin(flow, restartL3(l3, check.outcome === 'wrong' ? 'otp_wrong' : 'late'));
      return redirect(loginPath(flow.id));
    case 'closed':
      await logAccess(env, login.serial, req, 'card', 'otp_attempts_exhausted');
      throw new HttpError(
        410,
        'flow_closed',
        "Hai inserito troppi codici errati: la richiesta di accesso è stata chiusa. Torna al sito del servizio e ripeti l'accesso.",
      );
    case 'gone':
      throw flowGone();
  }
}

/**
 * POST /login/:flowId/lettore — R-LOG-6: the card's certificate from the TLS client authentication
 * (login/reader.ts says where it comes from), checked as every card is (docs/level3.md, checks 1–6).
 * Verified → consent at level 3; a card that cannot log in (blocked, minor…) → the refusal page; a
 * certificate not accepted → this page again, saying why. Every refusal of a known card is in its
 * holder's access log.
 */
export async function postReader(request: IRequest, env: Env): Promise<Response> {
  const posted = await loginPost(request, env, flowIdOf(request), ['l3-reader']);
  if (posted instanceof Response) return posted;
  const { flow } = posted;
  const view = { flowId: flow.id, csrf: flow.csrf, request: flow.request };
  const read = await readerCertificate(request, env);
  if (!read.ok) return l3ReaderPage({ ...view, error: cardRefusalMessage(read.reason === 'none' ? 'reader_none' : 'reader_unverified') }, 403);
  const now = Date.now();
  const verified = await verifyCardPresentation(env, { certificate: read.certificate }, null, new Date(now));
  if (!verified.ok) {
    if (verified.serial) await logAccess(env, verified.serial, flow.request, 'card', 'card_refused', verified.reason);
    if (verified.serial && isLoginRefusal(verified.reason)) {
      await advanceLogin(flow, afterCardRefusal(verified.serial, verified.reason));
      return redirect(loginPath(flow.id));
    }
    return l3ReaderPage({ ...view, error: cardRefusalMessage(verified.reason) }, 403);
  }
  await advanceLogin(flow, afterReader(verified.serial, verified.card, now));
  return redirect(loginPath(flow.id));
}
