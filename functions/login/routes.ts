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
    router
      .get('/login/:flowId', guard(showLogin))
      .post('/login/:flowId/credenziali', guard(postCredentials))
      .post('/login/:flowId/otp', guard(postOtp))
      .post('/login/:flowId/otp/invia', guard(postOtpResend))
      .post('/login/:flowId/app/invia', guard(postAppResend))
      .post('/login/:flowId/app/sms', guard(postAppSms))
      .post('/login/:flowId/app/qr', guard(postAppQr))
      .post('/login/:flowId/qr/nuovo', guard(postNewQr))
      .get('/login/:flowId/stato', getLoginStatus)
      .get('/login/:flowId/attesa', waitSocket)
      .post('/login/:flowId/l3', guard(postToLevel3))
      .post('/login/:flowId/l3/livello2', guard(postBackToLevel2))
      .post('/login/:flowId/l3/smartphone', guard(postL3Phone))
      .post('/login/:flowId/l3/computer', guard(postL3Computer))
      .post('/login/:flowId/l3/modalita', guard(postL3Choice))
      .post('/login/:flowId/l3/seriale', guard(postSerial))
      .post('/login/:flowId/l3/ricomincia', guard(postRestart))
      .post('/login/:flowId/l3/otp', guard(postL3Otp))
      .post('/login/:flowId/lettore', guard(postReader))
      .post('/login/:flowId/consenso', guard(postConsent))
      .post('/login/:flowId/annulla', guard(postCancel))
      // A form's action opened by address (the page that answered its post, reloaded or restored
      // before /login-page.js ran): the flow's page, without reading the flow here.
      .get('/login/:flowId/*', (request) => redirect(loginPath(String(request.params.flowId ?? ''))));
  },
};
