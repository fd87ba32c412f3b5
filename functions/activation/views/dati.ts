import { html } from '../../platform/html';
import { captchaHeaders, captchaWidget } from '../../platform/captcha';
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

/** Step 1.1 (R-ACT-1). */
export function datiPage(v: DatiView, status = 200): Response {
  const invalid = (field: IdentityField) => v.invalid?.includes(field) ?? false;
  return stepPage({
    step: 'dati',
    heading: '1.1 Inserisci i dati della tua CIE',
    status,
    // Only a page that shows the widget lets Turnstile's script and frame in.
    headers: captchaHeaders(v.captchaSiteKey),
    body: html`<p>Inserisci i dati della tua Carta di Identità Elettronica. Puoi attivare le credenziali anche prima di ricevere la carta: ti servirà solo la prima parte del codice PUK.</p>
${errorAlert(v.errors)}
<form method="post" action="/attivazione/dati" novalidate>
${csrfField(v.csrf)}
<h2 class="h5">Dati della carta</h2>
${textField({ id: 'fiscalCode', label: 'Codice Fiscale', value: v.fiscalCode, maxlength: 16, autocomplete: 'off', invalid: invalid('fiscalCode') })}
${textField({ id: 'serial', label: 'Numero di serie', value: v.serial, maxlength: 9, hint: 'Si trova sul fronte della carta, in alto a destra (es. CA00000AA).', invalid: invalid('serial') })}
${captchaWidget(v.captchaSiteKey)}
<p class="small">Tutti i campi sono obbligatori.</p>
<button type="submit" class="btn btn-primary">Continua</button>
</form>
${cancelForm(v.csrf)}`,
  });
}
