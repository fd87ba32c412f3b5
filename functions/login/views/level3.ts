import { SafeHtml, html } from '../../platform/html';
import { fieldAria } from '../../platform/form-error';
import { countdownSpoken, countdownVisual } from '../../core/countdown';
import { OTP_DIGITS } from '../../core/otp';
import { type L3Restart, l3DeepLink } from '../../core/login-flow';
import type { LoginRequest } from '../../core/login-request';
import { loginPath } from '../flow';
import type { QrView } from '../qr';
import { actionButton, actionSentence, alert, csrfField, loginPage, requestHeader } from './page';
import { waitingScript } from './waiting';

/**
 * The level 3 pages (R-LVL-3, R-LOG-4, R-LOG-5, R-LOG-6), in the guides' words: the choice of the way,
 * the phone (the App on this phone, or the serial for a PC), FASE 1 and FASE 2 on the PC, the reader.
 */
interface L3View {
  flowId: string;
  csrf: string;
  request: LoginRequest;
  error?: string;
}

const cancel = (flowId: string, csrf: string) => html`<div class="mt-3">${actionButton(loginPath(flowId, 'annulla'), csrf, 'Annulla')}</div>`;

const changeWay = (flowId: string, csrf: string) =>
  html`<div class="mt-4">${actionSentence(loginPath(flowId, 'l3/modalita'), csrf, 'Vuoi usare un altro modo di lettura della carta?', 'Cambia modalità')}</div>`;

/** "Seleziona la modalità di autenticazione": the two ways the guide shows, side by side on a desktop. */
export function l3ChoicePage(view: L3View): Response {
  const { flowId, csrf, request } = view;
  const body = html`${requestHeader(request)}
<section aria-labelledby="l3-title">
<h2 class="h4" id="l3-title">Seleziona la modalità di autenticazione</h2>
<div class="row gy-4">
<div class="col-12 col-lg-6"><section aria-labelledby="l3-smartphone" class="h-100 border rounded p-3">
<h3 class="h5" id="l3-smartphone">Smartphone</h3>
<p>Per autenticarti tramite uno smartphone con Android 6.0 o superiore, o iOS 13 o superiore, dotati di tecnologia NFC, munisciti della nuova Carta d'identità elettronica e assicurati di avere l'applicazione CieID installata e configurata correttamente.</p>
<form method="post" action="${loginPath(flowId, 'l3/smartphone')}">${csrfField(csrf)}<button type="submit" class="btn btn-primary">Prosegui con smartphone</button></form>
</section></div>
<div class="col-12 col-lg-6"><section aria-labelledby="l3-computer" class="h-100 border rounded p-3">
<h3 class="h5" id="l3-computer">Computer</h3>
<p>Per autenticarti con un lettore di smartcard contactless utilizzando un computer con Windows, Mac o Linux, dotati della nuova Carta d'identità elettronica. Assicurati inoltre di avere il software CieID installato e configurato correttamente e di appoggiare la carta sul lettore prima di cliccare sul pulsante prosegui.</p>
<form method="post" action="${loginPath(flowId, 'l3/computer')}">${csrfField(csrf)}<button type="submit" class="btn btn-primary">Prosegui con computer</button></form>
</section></div>
</div>
<div class="d-flex flex-wrap gap-2 mt-4">
${request.acr === 2 ? actionButton(loginPath(flowId, 'l3/livello2'), csrf, 'Torna a Livello 2') : ''}
${actionButton(loginPath(flowId, 'annulla'), csrf, 'Annulla')}
</div>
</section>`;
  return loginPage(request, body);
}

const SERIAL_HINT = 'serial-hint';

/** R-LOG-5: "Numero di serie" and "Procedi"; the number is printed at the top right of the card's front. */
function serialForm(flowId: string, csrf: string, invalid: boolean, value = ''): SafeHtml {
  return html`<form method="post" action="${loginPath(flowId, 'l3/seriale')}" novalidate>
${csrfField(csrf)}
<div class="form-group mb-3">
  <label for="serial" class="form-label active">Numero di serie</label>
  <input class="form-control${invalid ? ' is-invalid' : ''}" type="text" id="serial" name="serial" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="16" required value="${value}"${fieldAria(invalid, SERIAL_HINT)}>
  <p class="form-text small" id="${SERIAL_HINT}">Lo trovi in alto a destra sul fronte della carta, ad esempio CA00000AA.</p>
</div>
<button type="submit" class="btn btn-primary">Procedi</button>
</form>`;
}

export interface L3PhoneView extends L3View {
  /** The deep link's code of this rendering; absent when none could be issued. */
  code?: QrView;
  serial?: string;
}

/**
 * "Prosegui con smartphone" leads to one page with both ways of the guides: on this phone, the link
 * that opens the App CieID (R-LOG-4); on a PC, the card's serial for the QR code (R-LOG-5). The page
 * waits: when the App on this phone has signed, it moves on to consent by itself.
 */
export function l3PhonePage(view: L3PhoneView, status = 200): Response {
  const { flowId, csrf, request } = view;
  const invalid = Boolean(view.error) && status === 400;
  const body = html`${requestHeader(request)}
<h2 class="h4">Prosegui con smartphone</h2>
${alert(view.error)}
<div class="row gy-4">
<div class="col-12 col-lg-6"><section aria-labelledby="l3-qui" class="h-100 border rounded p-3">
<h3 class="h5" id="l3-qui">Sei sullo smartphone?</h3>
<p>Apri l'App CieID con il pulsante qui sotto: mantieni la carta appoggiata al retro dello smartphone, inserisci le ultime quattro cifre del PIN (o usa il riconoscimento biometrico) e attendi l'autenticazione.</p>
${
  view.code
    ? html`<a class="btn btn-primary" id="apri-app" href="${l3DeepLink(view.code.content)}">Apri l'applicazione CieID</a>`
    : html`<p class="small">Il collegamento all'App CieID non è disponibile: ricarica la pagina.</p>`
}
</section></div>
<div class="col-12 col-lg-6"><section aria-labelledby="l3-pc" class="h-100 border rounded p-3">
<h3 class="h5" id="l3-pc">Sei su un computer?</h3>
<p>Inserisci il numero di serie della CIE e clicca su «Procedi»: ti mostreremo un codice QR da inquadrare con l'App CieID.</p>
${serialForm(flowId, csrf, invalid, view.serial)}
</section></div>
</div>
${changeWay(flowId, csrf)}
${cancel(flowId, csrf)}
${waitingScript(flowId, 'l3-phone')}`;
  return loginPage(request, body, status);
}

const RESTART_NOTICE: Readonly<Record<L3Restart, string>> = {
  late: "Il tempo a disposizione è scaduto: la procedura deve essere terminata entro il tempo indicato. Inserisci di nuovo il numero di serie per ricominciare dall'inizio.",
  otp_wrong: "Il codice OTP non è corretto. Inserisci di nuovo il numero di serie per ricominciare dall'inizio: l'App CieID genererà un nuovo codice.",
};

export interface L3SerialView extends L3View {
  serial?: string;
  restart?: L3Restart;
}

/** R-LOG-5, "start again": the serial once more, and why. */
export function l3SerialPage(view: L3SerialView, status = 200): Response {
  const { flowId, csrf, request } = view;
  const invalid = Boolean(view.error) && status === 400;
  const body = html`${requestHeader(request)}
<section aria-labelledby="l3-serial-title">
<h2 class="h4" id="l3-serial-title">Prosegui con smartphone</h2>
${view.error ? alert(view.error) : alert(view.restart ? RESTART_NOTICE[view.restart] : undefined, 'info')}
<p>Inserisci il numero di serie della CIE e clicca su «Procedi»: ti mostreremo un codice QR da inquadrare con l'App CieID.</p>
${serialForm(flowId, csrf, invalid, view.serial)}
${changeWay(flowId, csrf)}
${cancel(flowId, csrf)}
</section>`;
  return loginPage(request, body, status);
}

/**
 * The try's countdown, as the level 2 page's (core/countdown.ts): the guide's "sarà valido ancora per
 * 4:07" for the eyes, its words for a screen reader; /login-wait.js counts it down and speaks at 30 s
 * left and at the end.
 */
function validity(seconds: number): SafeHtml {
  return html`<p>Per tutelare la sicurezza della tua identità digitale il codice QR sarà valido ancora per <span id="qr-countdown" role="timer" data-expires-in="${seconds}"><span aria-hidden="true" data-countdown="visual">${countdownVisual(seconds)}</span><span class="visually-hidden" data-countdown="spoken">${countdownSpoken(seconds)}</span></span>.</p>
<p id="qr-annuncio" class="visually-hidden" role="status" aria-live="polite"></p>`;
}

export interface L3PcView extends L3View {
  phase: 'qr' | 'otp';
  serial: string;
  /** FASE 1's code; absent once scanned, or when the time is up. */
  qr?: QrView;
  secondsLeft: number;
}

/**
 * R-LOG-5 on the PC: "FASE 1 – Scansiona il codice QR" and "FASE 2 – Inserisci il codice OTP", side by
 * side on a desktop. FASE 2's form is there from the start, so a citizen whose browser runs no script
 * types the App's code without reloading; with a script the page follows the login by itself. When
 * the time is up the only way on is to start again.
 */
export function l3PcPage(view: L3PcView, status = 200, headers: Record<string, string> = {}): Response {
  const { flowId, csrf, request, phase } = view;
  const timeUp = view.secondsLeft === 0;
  const invalid = Boolean(view.error) && status === 400;
  const restart = actionSentence(
    loginPath(flowId, 'l3/ricomincia'),
    csrf,
    timeUp ? "Il tempo a disposizione è scaduto: la procedura va ripetuta dall'inizio." : "Hai bisogno di più tempo o vuoi usare un'altra carta?",
    'Ricomincia',
  );
  const phase1 = html`<section aria-labelledby="fase1-title">
<h2 class="h4" id="fase1-title">FASE 1 – Scansiona il codice QR</h2>
<p>Apri l'applicazione CieID sul tuo smartphone e utilizza l'apposita funzione di scansione del codice QR. Completa poi l'autenticazione seguendo le indicazioni fornite dall'applicazione per generare il codice di sicurezza OTP.</p>
<p class="small">Numero di serie della carta: <strong>${view.serial}</strong></p>
${
  phase === 'otp'
    ? html`<p class="alert alert-success" role="status">Codice QR letto dall'App CieID: ora inserisci il codice OTP che ti mostra.</p>`
    : view.qr && !timeUp
      ? html`<div id="qr" class="border p-3 d-inline-block bg-white" role="img" aria-label="Codice QR per l'App CieID" data-qr-content="${view.qr.content}">${new SafeHtml(view.qr.svg)}</div>`
      : html`<p class="small">Codice QR scaduto.</p>`
}
${timeUp ? '' : validity(view.secondsLeft)}
</section>`;
  const phase2 = html`<section aria-labelledby="fase2-title">
<h2 class="h4" id="fase2-title">FASE 2 – Inserisci il codice OTP</h2>
<p>Inserisci il codice OTP mostrato dall'applicazione CieID.</p>
<form method="post" action="${loginPath(flowId, 'l3/otp')}" novalidate>
${csrfField(csrf)}
<div class="form-group mb-3">
  <label for="otp" class="form-label active">Codice OTP</label>
  <input class="form-control${invalid ? ' is-invalid' : ''}" type="text" id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{${OTP_DIGITS}}" maxlength="${OTP_DIGITS}" required${fieldAria(invalid)}${timeUp ? ' disabled' : ''}>
</div>
<button type="submit" class="btn btn-primary"${timeUp ? ' disabled' : ''}>Procedi</button>
</form>
</section>`;
  const body = html`${requestHeader(request)}
${alert(view.error)}
<div class="row gy-5">
<div class="col-12 col-lg-6">${phase1}</div>
<div class="col-12 col-lg-6">${phase2}</div>
</div>
<div class="mt-4">${restart}</div>
${cancel(flowId, csrf)}
${timeUp ? '' : waitingScript(flowId, phase === 'qr' ? 'l3-qr' : 'l3-otp')}`;
  return loginPage(request, body, status, headers);
}

/** R-LOG-6: "Prosegui con computer" — the card on the reader, then "Prosegui"; the CIE software asks the PIN. */
export function l3ReaderPage(view: L3View, status = 200): Response {
  const { flowId, csrf, request } = view;
  const body = html`${requestHeader(request)}
<section aria-labelledby="l3-reader-title">
<h2 class="h4" id="l3-reader-title">Prosegui con computer</h2>
${alert(view.error)}
<ol>
<li>Collega al computer il lettore di smart card e assicurati che il software CieID sia installato e attivo.</li>
<li>Appoggia la carta sul lettore.</li>
<li>Clicca su «Prosegui»: il software CieID ti chiederà il PIN della carta.</li>
</ol>
<form method="post" action="${loginPath(flowId, 'lettore')}">${csrfField(csrf)}<button type="submit" class="btn btn-primary">Prosegui</button></form>
${changeWay(flowId, csrf)}
${cancel(flowId, csrf)}
</section>`;
  return loginPage(request, body, status);
}
