import type { JWTPayload } from 'jose';
import { CLAIM_LABELS } from '../core/claim-labels';
import { html, page, type SafeHtml } from '../platform/html';
import { DEMO_CLIENT_NAME } from './registration';

/**
 * The demo relying party's pages. It is another organisation's site, so it has its own header rather
 * than CieID's; the same strict CSP applies (only the theme's stylesheet, no scripts).
 */
const DEMO_BRAND = { name: DEMO_CLIENT_NAME, tagline: 'Servizio dimostrativo — solo in sviluppo', href: '/demo' };

function demoPage(title: string, body: SafeHtml, status = 200, headers: Record<string, string> = {}): Response {
  return page({ title, body, brand: DEMO_BRAND }, status, headers);
}

export function startPage(): Response {
  return demoPage(
    'Servizi online',
    html`<h1 class="h2">Servizi online del ${DEMO_CLIENT_NAME}</h1>
<p class="lead">Un servizio di prova che accede con "Entra con CIE" come farebbe un vero Comune: scegli il livello e i dati da chiedere.</p>
<form method="post" action="/demo/entra">
  <fieldset class="mb-4">
    <legend class="h5">Livello di sicurezza</legend>
    <div class="form-check"><input type="radio" name="level" id="level-1" value="1"><label for="level-1">Livello 1 — password</label></div>
    <div class="form-check"><input type="radio" name="level" id="level-2" value="2" checked><label for="level-2">Livello 2 — password e codice SMS</label></div>
  </fieldset>
  <fieldset class="mb-4">
    <legend class="h5">Dati richiesti</legend>
    <div class="form-check"><input type="checkbox" name="profile" id="scope-profile" value="on" checked><label for="scope-profile">Dati anagrafici (nome, cognome, data di nascita, codice fiscale)</label></div>
    <div class="form-check"><input type="checkbox" name="email" id="scope-email" value="on"><label for="scope-email">Email</label></div>
  </fieldset>
  <button type="submit" class="btn btn-primary">Entra con CIE</button>
</form>`,
  );
}

const EXTRA_LABELS: Record<string, string> = {
  sub: 'Identificativo per questo servizio',
  email_verified: 'Email verificata',
  phone_number_verified: 'Cellulare verificato',
};
const LABELS = new Map<string, string>([...CLAIM_LABELS, ...Object.entries(EXTRA_LABELS)]);
const ENVELOPE = new Set(['iss', 'aud', 'iat', 'nbf', 'exp', 'jti']);

function shown(value: unknown): string {
  if (typeof value === 'boolean') return value ? 'sì' : 'no';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return JSON.stringify(value);
}

export function resultPage(userinfo: JWTPayload, acr: string, level: number): Response {
  const rows = Object.entries(userinfo)
    .filter(([claim]) => !ENVELOPE.has(claim))
    .map(([claim, value]) => html`<tr><td>${LABELS.get(claim) ?? claim}</td><td><code>${claim}</code></td><td>${shown(value)}</td></tr>`);
  const name = [userinfo.given_name, userinfo.family_name].filter((v) => typeof v === 'string').join(' ');
  return demoPage(
    'Accesso effettuato',
    html`<h1 class="h2">Accesso effettuato</h1>
<p class="lead">${name ? `Benvenuto, ${name}.` : 'Benvenuto.'}</p>
<p>Livello di autenticazione: <strong>Livello ${level}</strong> (<code>acr</code> <code>${acr}</code>)</p>
<table class="table">
  <caption>Dati ricevuti da CieID (userinfo, decifrato e verificato)</caption>
  <thead><tr><th scope="col">Dato</th><th scope="col">Attributo</th><th scope="col">Valore</th></tr></thead>
  <tbody>${rows}</tbody>
</table>
<a class="btn btn-outline-primary" href="/demo">Nuovo accesso</a>`,
  );
}

/** The OP's errors (OAuth codes), as the citizen should read them. */
const PROVIDER_ERRORS: Record<string, string> = {
  access_denied: 'Accesso non autorizzato: la richiesta è stata annullata oppure questa carta non può accedere al servizio.',
  login_required: 'È necessario autenticarsi di nuovo.',
  consent_required: 'È necessario acconsentire all’invio dei dati.',
  invalid_request: 'La richiesta di accesso inviata dal servizio non è valida.',
  invalid_request_object: 'La richiesta di accesso inviata dal servizio non è valida.',
  invalid_scope: 'Il servizio ha chiesto dati non disponibili.',
  unauthorized_client: 'Il servizio non è autorizzato ad accedere con CIE.',
  server_error: 'Il servizio CieID ha avuto un problema. Riprova più tardi.',
  temporarily_unavailable: 'Il servizio CieID non è al momento disponibile. Riprova più tardi.',
};

export function providerErrorPage(error: string, description: string | null): Response {
  return failurePage(PROVIDER_ERRORS[error] ?? 'L’accesso non è stato completato.', `${error}${description ? ` — ${description}` : ''}`, 400);
}

export function failurePage(message: string, detail: string, status: number): Response {
  return demoPage(
    'Accesso non completato',
    html`<div class="alert alert-danger" role="alert"><h1 class="h4">Accesso non completato</h1><p>${message}</p>
<p class="small mb-0">Dettaglio tecnico: <code>${detail}</code></p></div>
<a class="btn btn-primary" href="/demo">Torna al ${DEMO_CLIENT_NAME}</a>`,
    status,
  );
}
