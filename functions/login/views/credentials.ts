import { SafeHtml, html } from '../../platform/html';
import { USERNAME_MAX } from '../../core/login-username';
import type { LoginRequest } from '../../core/login-request';
import { loginPath } from '../flow';
import { PASSWORD_FIELD_MAX } from '../password-check';
import { actionButton, alert, csrfField, loginPage, requestHeader } from './page';
import type { QrView } from '../qr';
import { waitingScript } from './waiting';

export interface CredentialsView {
  flowId: string;
  csrf: string;
  request: LoginRequest;
  /** What the citizen typed, kept after a refusal; never the password. */
  username?: string;
  error?: string;
  /** The level 2 page's QR code (R-LOG-3); absent when none could be issued. */
  qr?: QrView;
}

const countdown = (seconds: number) => `${Math.floor(seconds / 60)}'${String(seconds % 60).padStart(2, '0')}"`;

/** The level 2 page's other ways in: the App by QR code (R-LOG-1, R-LOG-3); card reading comes later. */
function otherWaysIn(flowId: string, qr: QrView | undefined): SafeHtml {
  return html`<section class="mt-5" aria-labelledby="app-title">
<h2 class="h4" id="app-title">Entra con App CieID</h2>
<p>Se hai attivato le Credenziali CIE (livello 2) e hai certificato il dispositivo, apri l'App CieID ed inquadra il QR Code.</p>
${qr
  ? html`<div id="qr" class="border p-2 d-inline-block" role="img" aria-label="QR Code per l'App CieID" data-qr-content="${qr.content}">${new SafeHtml(qr.svg)}</div>
<p class="small">Validità codice: <span id="qr-countdown" data-expires-in="${qr.seconds}">${countdown(qr.seconds)}</span></p>`
  : html`<p class="small">Validità codice: scaduto</p>`}
<p><a class="btn btn-outline-primary btn-sm" href="${loginPath(flowId)}#app-title">Genera un nuovo codice</a></p>
<p>Se non vuoi usare la modalità semplificata ed hai già registrato la tua carta su App CieID (livello 3), seleziona "Entra con lettura carta CIE" qui sotto.</p>
</section>
<p class="mt-3">oppure</p>
<section aria-labelledby="card-title" data-available="false">
<h2 class="h4" id="card-title">Entra con lettura carta</h2>
<p><span class="badge bg-secondary">Non ancora disponibile</span></p>
<p>Puoi entrare con la lettura della Carta (livello 3) da uno smartphone NFC con l'App CieID registrando la tua carta o da PC con il software CIE ed un lettore di smart card.</p>
<button type="button" class="btn btn-outline-primary" disabled>Entra con lettura carta</button>
</section>`;
}

/** R-LOG-1: "Entra con le tue credenziali CIE". */
export function credentialsPage(view: CredentialsView, status = 200, headers: Record<string, string> = {}): Response {
  const { flowId, csrf, request } = view;
  const body = html`${requestHeader(request)}
<section aria-labelledby="cred-title">
<h2 class="h4" id="cred-title">Entra con le tue credenziali CIE</h2>
${alert(view.error)}
<form method="post" action="${loginPath(flowId, 'credenziali')}" novalidate>
${csrfField(csrf)}
<div class="form-group mb-3">
  <label for="username">Numero CIE o Codice fiscale o Email</label>
  <input class="form-control" type="text" id="username" name="username" autocomplete="username" maxlength="${USERNAME_MAX}" required value="${view.username ?? ''}">
</div>
<div class="form-group mb-3">
  <label for="password">Password</label>
  <input class="form-control" type="password" id="password" name="password" autocomplete="current-password" maxlength="${PASSWORD_FIELD_MAX}" required>
</div>
<p><a href="/recupero-password">Hai dimenticato la password?</a> Richiedine una nuova.</p>
<button type="submit" class="btn btn-primary">Procedi</button>
</form>
<div class="mt-2">${actionButton(loginPath(flowId, 'annulla'), csrf, 'Annulla')}</div>
</section>
${request.acr === 2 ? otherWaysIn(flowId, view.qr) : ''}
<p class="mt-4">Non hai ancora attivato le credenziali CIE? <a href="/attivazione">Attiva ora le credenziali</a></p>
${view.qr ? waitingScript(flowId, 'credentials') : ''}`;
  return loginPage(request, body, status, headers);
}
