import { PASSWORD_FIELD_MAX } from '../../../platform/password-check';
import { type SafeHtml, csrfField, html, page } from '../../../platform/html';
import { errorBox } from '../../../platform/form-error';
import { textField } from '../../../activation/views/common';
import { AREA_PATHS, AREA_SECTION, areaPage } from '../layout';
import type { AreaSession } from '../session';

export const REVOKE_TITLE = 'Revoca livello 1 e livello 2';
export const ACTIVATION_PATH = '/attivazione';

/** The current password, asked again before a change only its holder may make (R-ACC-4). */
export function currentPasswordField(invalid: boolean): SafeHtml {
  return textField({ id: 'password', label: 'Password attuale', type: 'password', maxlength: PASSWORD_FIELD_MAX, autocomplete: 'current-password', invalid });
}

/**
 * GET /area-personale/revoca — R-ACC-4: what revoking means, said before it is done, then the current
 * password and the button. `error`: why the last try was refused (wrong password, too many tries).
 */
export function revokeConfirmPage(session: AreaSession, options: { error?: string; status?: number; level3Active: boolean }): Response {
  return areaPage({
    title: REVOKE_TITLE,
    current: null,
    parent: 'gestione',
    session,
    status: options.status,
    body: html`${options.error ? errorBox(options.error) : ''}
<div class="alert alert-warning" role="note">
  <p class="fw-semibold mb-2">Stai per revocare le tue credenziali di livello 1 e 2 (nome utente e password). Cosa succede:</p>
  <ul class="mb-0">
    <li>gli accessi di livello 1 e 2 non funzioneranno più: né con password e codice SMS, né con l’App CieID;</li>
    <li>verrai disconnesso da tutti i servizi in cui sei entrato con CieID e da questa area personale;</li>
    <li>per usare di nuovo le credenziali dovrai fare una nuova attivazione, con la tua carta e il PUK;</li>
    <li>${options.level3Active ? 'gli accessi di livello 3, con la lettura della carta, restano attivi.' : 'il livello 3 resta sospeso: la carta non serve per accedere finché non lo riattivi.'}</li>
  </ul>
</div>
<form method="post" action="${AREA_PATHS.revocation}" novalidate>
${csrfField(session.csrf)}
<p>Per confermare inserisci la password attuale.</p>
${currentPasswordField(Boolean(options.error))}
<div class="d-flex flex-wrap gap-2">
  <button type="submit" class="btn btn-danger">Revoca livello 1 e livello 2</button>
  <a class="btn btn-outline-primary" href="${AREA_PATHS.profile}">Annulla</a>
</div>
</form>`,
  });
}

/** The same address with nothing to revoke: credentials never activated, or revoked already. */
export function nothingToRevokePage(session: AreaSession): Response {
  return areaPage({
    title: REVOKE_TITLE,
    current: null,
    parent: 'gestione',
    session,
    body: html`<div class="alert alert-info" role="status">Le tue credenziali di livello 1 e 2 non sono attive: non c’è niente da revocare.</div>
<div class="d-flex flex-wrap gap-2">
  <a class="btn btn-primary" href="${ACTIVATION_PATH}">Attiva le tue credenziali</a>
  <a class="btn btn-outline-primary" href="${AREA_PATHS.profile}">Torna a Gestione CieID</a>
</div>`,
  });
}

/** After the revocation: the area session is over too, so the page stands outside the area's shell. */
export function revokedPage(headers: Record<string, string> = {}): Response {
  return page(
    {
      title: 'Credenziali revocate',
      section: AREA_SECTION,
      body: html`<h1 class="h2">Credenziali revocate</h1>
<div class="alert alert-success" role="status">
  <p class="mb-0">Le tue credenziali di livello 1 e 2 sono state revocate.</p>
</div>
<p>Sei stato disconnesso da tutti i servizi e dall’area personale, e ti abbiamo inviato una notifica. Da adesso nessuno può accedere con il tuo nome utente e la tua password.</p>
<p>Per usare di nuovo le credenziali di livello 1 e 2, attivale con la tua carta e il PUK.</p>
<div class="d-flex flex-wrap gap-2">
  <a class="btn btn-primary" href="${ACTIVATION_PATH}">Attiva le tue credenziali</a>
  <a class="btn btn-outline-primary" href="/">Torna alla pagina iniziale</a>
</div>`,
    },
    200,
    headers,
  );
}
