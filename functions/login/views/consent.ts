import { html } from '../../platform/html';
import type { LoginRequest } from '../../core/login-request';
import { loginPath } from '../flow';
import { actionButton, loginPage, requestHeader } from './page';

export interface ConsentView {
  flowId: string;
  csrf: string;
  request: LoginRequest;
  labels: string[];
  /** Who is logging in — shown so that a citizen who did not authenticate this login notices. */
  holder: { name: string; maskedFiscalCode: string } | null;
  /** R-LOG-4, R-LOG-5, R-LOG-6: after a card, the guides' button is "Autorizza l'invio dei dati". */
  byCard?: boolean;
}

/** R-LOG-7: what is about to be sent, and to whom; Prosegui (after a card: Autorizza l'invio dei dati) or Annulla. */
export function consentPage(view: ConsentView): Response {
  const { flowId, csrf, request } = view;
  const body = html`${requestHeader(request)}
<section aria-labelledby="consent-title">
<h2 class="h4" id="consent-title">Richiesta di accesso CIE Livello ${request.acr}</h2>
${
  view.holder
    ? html`<p id="titolare">Stai accedendo come <strong>${view.holder.name}</strong> (codice fiscale ${view.holder.maskedFiscalCode}). Se non sei tu, premi "Annulla".</p>`
    : ''
}
<p>I seguenti dati stanno per essere inviati a: <strong>${request.clientName}</strong></p>
${
  view.labels.length
    ? html`<ul id="attributi">${view.labels.map((label) => html`<li>${label}</li>`)}</ul>`
    : html`<p id="attributi">Nessun dato personale: solo un codice identificativo riservato a questo servizio.</p>`
}
<div class="d-flex gap-2">
${actionButton(loginPath(flowId, 'annulla'), csrf, 'Annulla')}
${actionButton(loginPath(flowId, 'consenso'), csrf, view.byCard ? "Autorizza l'invio dei dati" : 'Prosegui', 'primary')}
</div>
</section>`;
  return loginPage(request, body);
}
