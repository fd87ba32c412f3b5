import { html } from '../../platform/html';
import { CAPTCHA_ORIGIN } from '../../platform/captcha';
import { CONTENT_SECURITY_POLICY } from '../../platform/html';
import type { IdentityField } from '../../core/activation-input';
import { cancelForm, csrfField, errorAlert, stepPage, textField } from './common';

export interface DatiView {
  csrf: string;
  fiscalCode: string;
  serial: string;
  errors: string[];
  /** The fields the errors are about. */
  invalid?: readonly IdentityField[];
  /** Turnstile's site key when the captcha is on. */
  captchaSiteKey: string | null;
}

/** Only this page loads Turnstile, so only this page lets its script and frame in. */
function captchaCsp(): string {
  return `${CONTENT_SECURITY_POLICY.replace("script-src 'self'", `script-src 'self' ${CAPTCHA_ORIGIN}`)}; frame-src ${CAPTCHA_ORIGIN}`;
}

/** Step 1.1 (R-ACT-1). */
export function datiPage(v: DatiView, status = 200): Response {
  const captcha = v.captchaSiteKey
    ? html`<div class="form-group mb-3"><p class="form-label">Risolvi il captcha</p><div class="cf-turnstile" data-sitekey="${v.captchaSiteKey}" data-language="it"></div></div>
<script src="${CAPTCHA_ORIGIN}/turnstile/v0/api.js" async defer></script>`
    : html``;
  const invalid = (field: IdentityField) => v.invalid?.includes(field) ?? false;
  return stepPage({
    step: 'dati',
    heading: '1.1 Inserisci i dati della tua CIE',
    status,
    headers: v.captchaSiteKey ? { 'Content-Security-Policy': captchaCsp() } : {},
    body: html`<p>Inserisci i dati della tua Carta di Identità Elettronica. Puoi attivare le credenziali anche prima di ricevere la carta: ti servirà solo la prima parte del codice PUK.</p>
${errorAlert(v.errors)}
<form method="post" action="/attivazione/dati" novalidate>
${csrfField(v.csrf)}
<h2 class="h5">Dati della carta</h2>
${textField({ id: 'fiscalCode', label: 'Codice Fiscale', value: v.fiscalCode, maxlength: 16, autocomplete: 'off', invalid: invalid('fiscalCode') })}
${textField({ id: 'serial', label: 'Numero di serie', value: v.serial, maxlength: 9, hint: 'Si trova sul fronte della carta, in alto a destra (es. CA00000AA).', invalid: invalid('serial') })}
${captcha}
<p class="small">Tutti i campi sono obbligatori.</p>
<button type="submit" class="btn btn-primary">Continua</button>
</form>
${cancelForm(v.csrf)}`,
  });
}
