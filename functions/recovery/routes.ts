import type { IRequest } from 'itty-router';
import type { Env } from '../env';
import { pageGuard } from '../platform/page-guard';
import { type PagesSurface, pageTitle } from '../platform/surface';
import { errorPage } from '../platform/html';
import { redirect } from '../platform/http';
import { postNewPassword, postPasswordCode, postPasswordResend, postUsername, showPasswordRecovery } from './steps/password';
import { postPukCode, postPukPair, postPukResend, showPukRecovery } from './steps/puk-request';
import { postPukLink, postPukViewCode, postPukViewResend, showPukLink } from './steps/puk-view';

type RecoveryHandler = (request: IRequest, env: Env, ctx: ExecutionContext) => Promise<Response>;

const guard = pageGuard((err) => errorPage(err.status, pageTitle(recoverySurface, err.status), err.message, undefined, err.headers));

/** pageGuard, keeping the ExecutionContext: a code is handed to the notifier after the answer (recovery/codes). */
const guarded =
  (handler: RecoveryHandler) =>
  (request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> =>
    guard((r, e) => handler(r, e, ctx))(request, env);

/**
 * Password recovery (R-ACC-2, docs/recovery.md) and PUK recovery (R-PUK-2) on the web: no session,
 * only the citizen's username or card and the contacts on record. Each recovery's flow id is in a
 * cookie (recovery/flow.ts); the PUK's link names the card and a secret, nothing else.
 */
export const recoverySurface: PagesSurface = {
  name: 'recovery',
  basePaths: ['/recupero-password', '/recupero-puk'],
  answers: 'pages',
  titles: { 403: 'Richiesta rifiutata', 410: 'Procedura non più valida' },
  mount: (router) => {
    router
      .get('/recupero-password', guarded(showPasswordRecovery))
      .post('/recupero-password', guarded(postUsername))
      .post('/recupero-password/codice', guarded(postPasswordCode))
      .post('/recupero-password/invia', guarded(postPasswordResend))
      .post('/recupero-password/nuova', guarded(postNewPassword))
      .get('/recupero-puk', guarded(showPukRecovery))
      .post('/recupero-puk', guarded(postPukPair))
      .post('/recupero-puk/codice', guarded(postPukCode))
      .post('/recupero-puk/invia', guarded(postPukResend))
      .get('/recupero-puk/visualizza/:token', guarded(showPukLink))
      .post('/recupero-puk/visualizza/:token', guarded(postPukLink))
      .post('/recupero-puk/visualizza/:token/codice', guarded(postPukViewCode))
      .post('/recupero-puk/visualizza/:token/invia', guarded(postPukViewResend))
      // A reload or a bookmark of a form's target lands on the current step instead of a 404.
      .get('/recupero-password/:action', () => redirect('/recupero-password'))
      .get('/recupero-puk/:action', () => redirect('/recupero-puk'));
  },
};
