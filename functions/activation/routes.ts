import { pageGuard } from '../platform/page-guard';
import { type PagesSurface, pageTitle } from '../platform/surface';
import { redirect } from '../platform/http';
import { clearFlowCookie, withCookies } from './flow';
import { gonePage, requestErrorPage } from './views/pages';
import { showActivation } from './steps/mostra';
import { postDati } from './steps/dati';
import { postPuk } from './steps/puk';
import { postCellulare, postResendSms, postSmsOtp } from './steps/cellulare';
import { postChangeEmail, postEmail, postEmailOtp, postResendEmail, postSkipEmail } from './steps/email';
import { postPassword } from './steps/password';
import { postConfigura } from './steps/configura';
import { postAnnulla } from './steps/annulla';
import { openActivationByCard } from './steps/carta';

/**
 * A gone flow also loses its cookie (so "Ricomincia" really starts again), and headers such as
 * Retry-After survive.
 */
const guard = pageGuard((err, request) =>
  err.status === 410
    ? withCookies(gonePage(err.message), clearFlowCookie(request))
    : requestErrorPage(err.status, pageTitle(activationSurface, err.status), err.message, err.headers),
);

/** The activation of level 1/2 credentials (docs/activation-pages.md): a citizen's pages. */
export const activationSurface: PagesSurface = {
  name: 'activation',
  basePaths: ['/attivazione'],
  answers: 'pages',
  titles: { 403: 'Richiesta non autorizzata' },
  mount: (router) => {
    router
      .get('/attivazione', guard(showActivation))
      .post('/attivazione/dati', guard(postDati))
      .post('/attivazione/puk', guard(postPuk))
      .post('/attivazione/cellulare', guard(postCellulare))
      .post('/attivazione/otp-sms', guard(postSmsOtp))
      .post('/attivazione/invia-sms', guard(postResendSms))
      .post('/attivazione/email', guard(postEmail))
      .post('/attivazione/otp-email', guard(postEmailOtp))
      .post('/attivazione/invia-email', guard(postResendEmail))
      .post('/attivazione/cambia-email', guard(postChangeEmail))
      .post('/attivazione/non-adesso', guard(postSkipEmail))
      .post('/attivazione/password', guard(postPassword))
      .post('/attivazione/configura', guard(postConfigura))
      .post('/attivazione/annulla', guard(postAnnulla))
      .get('/attivazione/carta/:handle', guard(openActivationByCard))
      // A reload or a bookmark of a form's target lands on the current step instead of a 404.
      .get('/attivazione/:action', () => redirect('/attivazione'));
  },
};
