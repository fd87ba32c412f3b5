import { html } from '../../platform/html';
import type { LoginRequest } from '../../core/login-request';
import { loginPath } from '../flow';
import { actionButton, actionSentence, alert, loginPage, requestHeader } from './page';
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
${actionSentence(
  loginPath(flowId, 'app/invia'),
  csrf,
  'Non hai ricevuto la notifica sul tuo cellulare? Controlla in App di avere le notifiche abilitate o',
  'invia una nuova notifica',
  '.',
)}
<h3 class="h5">In alternativa</h3>
${actionSentence(loginPath(flowId, 'app/qr'), csrf, "Inquadra il QR Code con l'App CieID.", 'Vai al QR code')}
${actionSentence(loginPath(flowId, 'app/sms'), csrf, "Non puoi utilizzare l'App CieID?", 'Autorizza tramite SMS')}
<div>${actionButton(loginPath(flowId, 'annulla'), csrf, 'Annulla')}</div>
</section>
${waitingScript(flowId, 'app')}`;
  return loginPage(request, body, status, headers);
}
