import { html } from '../../platform/html';
import type { LoginRequest } from '../../core/login-request';
import { loginPath } from '../flow';
import { actionButton, alert, loginPage, requestHeader } from './page';
import { waitingScript } from './waiting';

export interface AppWaitView {
  flowId: string;
  csrf: string;
  request: LoginRequest;
  error?: string;
  notice?: string;
}

/** R-LOG-2, App branch: the push is on its way; the page moves on by itself when the App answers. */
export function appWaitPage(view: AppWaitView, status = 200, headers: Record<string, string> = {}): Response {
  const { flowId, csrf, request } = view;
  const body = html`${requestHeader(request)}
<section aria-labelledby="app-wait-title">
<h2 class="h4" id="app-wait-title">Controlla adesso il tuo cellulare</h2>
<p>Ti abbiamo inviato una notifica sull'App CieID per autorizzare il tuo accesso.</p>
${alert(view.error)}${alert(view.notice, 'info')}
<p>Non hai ricevuto la notifica sul tuo cellulare? Controlla in App di avere le notifiche abilitate o
${actionButton(loginPath(flowId, 'app/invia'), csrf, 'invia una nuova notifica', 'link')}</p>
<h3 class="h5">In alternativa</h3>
<p>Inquadra il QR Code con l'App CieID. ${actionButton(loginPath(flowId, 'app/qr'), csrf, 'Vai al QR code', 'link')}</p>
<p>Non puoi utilizzare l'App CieID? ${actionButton(loginPath(flowId, 'app/sms'), csrf, 'Autorizza tramite SMS', 'link')}</p>
<div>${actionButton(loginPath(flowId, 'annulla'), csrf, 'Annulla')}</div>
</section>
${waitingScript(flowId, 'app')}`;
  return loginPage(request, body, status, headers);
}
