import { html } from '../../platform/html';
import { PASSWORD_CRITERIA } from '../../core/password-policy';
import { ACTIVATION_FIELD_MAX } from '../../core/activation-input';
import { cancelForm, csrfField, errorAlert, stepPage, textField } from './common';

export const GDPR_LABEL =
  "Ho preso visione dell'Informativa ai sensi degli artt. 13 e 14 del GDPR - Regolamento (UE) 2016/679 per la protezione dei dati personali (GDPR)";

export interface PasswordView {
  csrf: string;
  fiscalCode: string;
  serial: string;
  verifiedEmail: string | null;
  /** The GDPR box stays ticked after an error; the passwords are never sent back. */
  gdpr: boolean;
  errors: string[];
}

/** Step 2.3 (R-ACT-5). */
export function passwordPage(v: PasswordView, status = 200): Response {
  return stepPage({
    step: 'password',
    heading: '2.3 Crea Credenziali',
    status,
    body: html`${errorAlert(v.errors)}
<h2 class="h5">Il tuo username</h2>
<p>Potrai utilizzare indifferentemente come username:</p>
<ul>
<li>Il tuo codice fiscale: <strong>${v.fiscalCode}</strong></li>
<li>Il numero di serie della tua CIE: <strong>${v.serial}</strong></li>
${v.verifiedEmail ? html`<li>L'indirizzo email che hai verificato: <strong>${v.verifiedEmail}</strong></li>` : ''}
</ul>
<h2 class="h5 mt-4">Crea Password</h2>
<form method="post" action="/attivazione/password" novalidate>
${csrfField(v.csrf)}
${textField({ id: 'password', label: 'Scegli Password', type: 'password', maxlength: ACTIVATION_FIELD_MAX.password, autocomplete: 'new-password', hint: 'Vedi i criteri qui sotto.' })}
${textField({ id: 'passwordConfirm', label: 'Conferma Password', type: 'password', maxlength: ACTIVATION_FIELD_MAX.password, autocomplete: 'new-password' })}
<p class="mb-1">La password scelta deve rispettare i seguenti criteri:</p>
<ul class="small">${PASSWORD_CRITERIA.map((c) => html`<li>${c}</li>`)}</ul>
<div class="form-check mb-3">
<input class="form-check-input" type="checkbox" id="gdpr" name="gdpr" value="1"${v.gdpr ? html` checked` : ''} aria-required="true">
<label class="form-check-label" for="gdpr">${GDPR_LABEL}</label>
</div>
<button type="submit" class="btn btn-primary">Continua</button>
</form>
${cancelForm(v.csrf)}`,
  });
}
