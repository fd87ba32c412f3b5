import { html } from '../../platform/html';
import type { Refusal } from '../../core/login-levels';
import { REFUSAL_MESSAGES } from '../../core/login-messages';
import type { LoginRequest } from '../../core/login-request';
import { loginPath } from '../flow';
import { actionButton, loginPage, requestHeader } from './page';

export type RefusedReason = Refusal | 'app_denied';

const APP_DENIED = "Hai negato l'autorizzazione dall'App CieID: l'accesso non è stato consentito. Torna al sito del servizio per riprovare.";

/** A refusal: the citizen goes back to the service, which receives `access_denied`. */
export function refusedPage(flowId: string, csrf: string, request: LoginRequest, reason: RefusedReason): Response {
  const message = reason === 'app_denied' ? APP_DENIED : REFUSAL_MESSAGES[reason];
  const body = html`${requestHeader(request)}
<div class="alert alert-danger" role="alert" data-refusal="${reason}">
<h2 class="h4">Accesso non consentito</h2>
<p>${message}</p>
</div>
${actionButton(loginPath(flowId, 'annulla'), csrf, 'Torna al servizio', 'primary')}`;
  return loginPage(request, body, 403);
}
