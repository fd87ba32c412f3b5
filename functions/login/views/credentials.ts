import { SafeHtml, html } from '../../platform/html';
import { fieldAria } from '../../platform/form-error';
import { countdownSpoken, countdownVisual } from '../../core/countdown';
import { USERNAME_MAX } from '../../core/login-username';
import type { LoginRequest } from '../../core/login-request';
import { loginPath } from '../flow';
import { PASSWORD_FIELD_MAX } from '../../platform/password-check';
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

/**
 * The guide's `Validità codice: 2'00"` for the eyes, and its words for a screen reader (`role="timer"`
 * is not announced by itself); #qr-annuncio speaks only at 30 s left and at expiry (login-wait.js).
 */
function validity(seconds: number): SafeHtml {
  return html`<p class="small">Validità codice: <span id="qr-countdown" role="timer" data-expires-in="${seconds}"><span aria-hidden="true" data-countdown="visual">${countdownVisual(seconds)}</span><span class="visually-hidden" data-countdown="spoken">${countdownSpoken(seconds)}</span></span></p>
<p id="qr-annuncio" class="visually-hidden" role="status" aria-live="polite"></p>`;
}

/**
 * R-LOG-3: the App's way in. The box's white padding completes the QR code's quiet zone (4 modules
 * with the image's own 2). "Genera un nuovo codice" is a form, so it works without a script too.
 */
function appWayIn(flowId: string, csrf: string, qr: QrView | undefined): SafeHtml {
  return html`<section aria-labelledby="app-title">
<h2 class="h4" id="app-title">Entra con App CieID</h2>
<p>Se hai attivato le Credenziali CIE (livello 2) e hai certificato il dispositivo, apri l'App CieID ed inquadra il QR Code.</p>
${
  qr
    ? html`<div id="qr" class="border p-3 d-inline-block bg-white" role="img" aria-label="QR Code per l'App CieID" data-qr-content="${qr.content}">${new SafeHtml(qr.svg)}</div>
${validity(qr.seconds)}`
    : html`<p class="small">Validità codice: scaduto</p>`
}
<form method="post" action="${loginPath(flowId, 'qr/nuovo')}" id="qr-nuovo" class="mb-3">${csrfField(csrf)}<button type="submit" class="btn btn-outline-primary btn-sm">Genera un nuovo codice</button></form>
<p>Se non vuoi usare la modalità semplificata ed hai già registrato la tua carta su App CieID (livello 3), seleziona "Entra con lettura carta CIE" qui sotto.</p>
</section>`;
}

/** R-LOG-1, R-LVL-3: "Entra con lettura carta" leads to the level 3 pages (the choice of the way). */
function cardWayIn(flowId: string, csrf: string): SafeHtml {
  return html`<p class="mt-4">oppure</p>
<section aria-labelledby="card-title">
<h2 class="h4" id="card-title">Entra con lettura carta</h2>
<p>Puoi entrare con la lettura della Carta (livello 3) da uno smartphone NFC con l'App CieID registrando la tua carta o da PC con il software CIE ed un lettore di smart card.</p>
<form method="post" action="${loginPath(flowId, 'l3')}">${csrfField(csrf)}<button type="submit" class="btn btn-outline-primary">Entra con lettura carta</button></form>
</section>`;
}

/**
 * R-LOG-1: "Entra con le tue credenziali CIE". At level 2, as in the guide's screen, the App's QR code
 * stands beside the credentials on a desktop and below them on a phone; card reading follows.
 */
export function credentialsPage(view: CredentialsView, status = 200, headers: Record<string, string> = {}): Response {
  const { flowId, csrf, request } = view;
  // A refused pair is about both fields (R-LOG-8 does not say which one is wrong): both point to it.
  // A 429 (too many attempts) is about no field: nothing typed was wrong.
  // `active` floats the theme's labels above their fields, as activation's do: without the theme's
  // script (not loaded, CSP) a label would otherwise sit inside its field, over what is typed.
  const invalid = fieldAria(Boolean(view.error) && status === 400);
  const credentials = html`<section aria-labelledby="cred-title">
<h2 class="h4" id="cred-title">Entra con le tue credenziali CIE</h2>
${alert(view.error)}
<form method="post" action="${loginPath(flowId, 'credenziali')}" novalidate>
${csrfField(csrf)}
<div class="form-group mb-3">
  <label for="username" class="form-label active">Numero CIE o Codice fiscale o Email</label>
  <input class="form-control" type="text" id="username" name="username" autocomplete="username" maxlength="${USERNAME_MAX}" required value="${view.username ?? ''}"${invalid}>
</div>
<div class="form-group mb-3">
  <label for="password" class="form-label active">Password</label>
  <input class="form-control" type="password" id="password" name="password" autocomplete="current-password" maxlength="${PASSWORD_FIELD_MAX}" required${invalid}>
</div>
<p><a href="/recupero-password?login=${flowId}">Hai dimenticato la password?</a> Richiedine una nuova.</p>
<button type="submit" class="btn btn-primary">Procedi</button>
</form>
<div class="mt-2">${actionButton(loginPath(flowId, 'annulla'), csrf, 'Annulla')}</div>
<p class="mt-4">Non hai ancora attivato le credenziali CIE? <a href="/attivazione">Attiva ora le credenziali</a></p>
</section>`;
  const body = html`${requestHeader(request)}
${
  request.acr === 2
    ? html`<div class="row gy-5">
<div class="col-12 col-lg-6">${credentials}</div>
<div class="col-12 col-lg-6">${appWayIn(flowId, csrf, view.qr)}</div>
</div>
${cardWayIn(flowId, csrf)}`
    : credentials
}
${view.qr ? waitingScript(flowId, 'credentials') : ''}`;
  return loginPage(request, body, status, headers);
}
