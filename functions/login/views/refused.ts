import { html } from '../../platform/html';
import type { Refusal } from '../../core/login-levels';
import type { LoginRequest } from '../../core/login-request';
import { loginPath } from '../flow';
import { actionButton, loginPage, requestHeader } from './page';

/** R-CARD-3, R-CARD-4, R-CARD-7: why this card cannot log in, in words a citizen can act on. */
export const REFUSAL_MESSAGES: Readonly<Record<Refusal, string>> = {
  blocked: 'La tua carta è bloccata perché è stata segnalata come smarrita o rubata: non può essere usata per accedere ai servizi online.',
  expired: 'La tua carta è scaduta: per accedere ai servizi online serve una carta in corso di validità.',
  puk_blocked:
    "L'identità digitale della tua carta è bloccata definitivamente (troppi PUK errati). La carta resta un documento d'identità valido; per accedere di nuovo ai servizi online serve una nuova carta.",
  superseded: 'Questa carta è stata sostituita da una carta più recente: usa le credenziali della nuova carta.',
  underage: "L'identità digitale CIE non è disponibile per i minori di 5 anni.",
  unusable: 'Questa carta non può essere usata per accedere ai servizi online. Per assistenza rivolgiti al tuo Comune.',
  level3_minor: "L'accesso con lettura della carta (livello 3) non è disponibile per i minori di 18 anni.",
};

export type RefusedReason = Refusal | 'level3_unavailable' | 'app_denied';

const LEVEL3_UNAVAILABLE =
  "L'accesso di livello 3 (lettura della carta) non è ancora disponibile su questo servizio. Torna al sito del servizio per scegliere un altro modo di accedere.";

const APP_DENIED = "Hai negato l'autorizzazione dall'App CieID: l'accesso non è stato consentito. Torna al sito del servizio per riprovare.";

/** A refusal: the citizen goes back to the service, which receives `access_denied`. */
export function refusedPage(flowId: string, csrf: string, request: LoginRequest, reason: RefusedReason): Response {
  const message = reason === 'level3_unavailable' ? LEVEL3_UNAVAILABLE : reason === 'app_denied' ? APP_DENIED : REFUSAL_MESSAGES[reason];
  const body = html`${requestHeader(request)}
<div class="alert alert-danger" role="alert" data-refusal="${reason}">
<h2 class="h4">Accesso non consentito</h2>
<p>${message}</p>
</div>
${actionButton(loginPath(flowId, 'annulla'), csrf, 'Torna al servizio', 'primary')}`;
  return loginPage(request, body, 403);
}
