import type { IRequest } from 'itty-router';
import type { Env } from '../env';
import { pageGuard } from '../platform/page-guard';
import { type PagesSurface, pageTitle } from '../platform/surface';
import { errorPage } from '../platform/html';
import { acceptsJson, errorJson, redirect } from '../platform/http';
import { loginPath } from './flow';
import { showLogin } from './steps/show';
import { postCredentials } from './steps/credentials';
import { postOtp, postOtpResend } from './steps/otp';
import { postConsent } from './steps/consent';
import { postCancel } from './steps/cancel';
import { getLoginStatus, postAppQr, postAppResend, postAppSms, waitSocket } from './steps/app';
import { postNewQr } from './steps/qr';
import { postBackToLevel2, postL3Choice, postL3Computer, postL3Otp, postL3Phone, postReader, postRestart, postSerial, postToLevel3 } from './steps/level3';

/**
 * Refusals become login pages, keeping headers such as Retry-After; the pages' own script
 * (`Accept: application/json`, "Genera un nuovo codice") gets them as JSON instead.
 */
const guard = pageGuard((err, request) => {
  if (acceptsJson(request)) return errorJson(err);
  return errorPage(err.status, pageTitle(loginSurface, err.status), err.message, undefined, err.headers);
});

/** The login pages' forms, by action (`POST /login/:flowId/<action>`). */
const POSTS: readonly (readonly [string, (request: IRequest, env: Env) => Promise<Response>])[] = [
  ['credenziali', postCredentials],
  ['otp', postOtp],
  ['otp/invia', postOtpResend],
  ['app/invia', postAppResend],
  ['app/sms', postAppSms],
  ['app/qr', postAppQr],
  ['qr/nuovo', postNewQr],
  ['l3', postToLevel3],
  ['l3/livello2', postBackToLevel2],
  ['l3/smartphone', postL3Phone],
  ['l3/computer', postL3Computer],
  ['l3/modalita', postL3Choice],
  ['l3/seriale', postSerial],
  ['l3/ricomincia', postRestart],
  ['l3/otp', postL3Otp],
  ['lettore', postReader],
  ['consenso', postConsent],
  ['annulla', postCancel],
];

/**
 * "Entra con CIE": the citizen's side of a login started by /oidc/authorize (docs/login-pages.md), level 3
 * included (docs/level3.md).
 * Pages, though /stato and /attesa answer the pages' own script in JSON when they succeed.
 */
export const loginSurface: PagesSurface = {
  name: 'login',
  basePaths: ['/login'],
  answers: 'pages',
  titles: { 403: 'Richiesta rifiutata', 410: 'Richiesta di accesso scaduta' },
  mount: (router) => {
    router.get('/login/:flowId', guard(showLogin)).get('/login/:flowId/stato', getLoginStatus).get('/login/:flowId/attesa', waitSocket);
    for (const [action, handler] of POSTS) {
      // A form's action opened by address (the page that answered its post, reloaded or restored
      // before /login-page.js ran): the flow's page, without reading the flow here.
      router
        .post(`/login/:flowId/${action}`, guard(handler))
        .get(`/login/:flowId/${action}`, (request) => redirect(loginPath(String(request.params.flowId ?? ''))));
    }
  },
};
