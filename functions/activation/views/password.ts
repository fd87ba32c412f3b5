import { html } from '../../platform/html';
import { PASSWORD_CRITERIA } from '../../core/password-policy';
import { ACTIVATION_FIELD_MAX } from '../../core/activation-input';
import { fieldAria } from '../../platform/form-error';
import type { PasswordField } from '../../core/activation-input';
import { cancelForm, csrfField, errorAlert, stepPage, textField } from './common';

export const GDPR_LABEL =
  "Ho preso visione dell'Informativa ai sensi degli artt. 13 e 14 del GDPR - Regolamento (UE) 2016/679 per la protezione dei dati personali (GDPR)";

/** Where the Informativa is published: the checkbox acknowledges what its label links to. */
export const PRIVACY_PATH = '/privacy';

/**
 * The label's text stays GDPR_LABEL word for word (the checkbox is found by it); the link covers
 * "dell'Informativa" whole, from one space to the next, so that a reader that puts a space around
 * each tag still reads the same words.
 */
const GDPR_LINKED = "dell'Informativa";
const [GDPR_BEFORE, GDPR_AFTER] = GDPR_LABEL.split(GDPR_LINKED) as [string, string];
const gdprLabel = html`${GDPR_BEFORE}<a href="${PRIVACY_PATH}">${GDPR_LINKED}</a>${GDPR_AFTER}`;

export interface PasswordView {
  csrf: string;
  fiscalCode: string;
  serial: string;
  verifiedEmail: string | null;
  /** The GDPR box stays ticked after an error; the passwords are never sent back. */
  gdpr: boolean;
  errors: string[];
  /** The fields the errors are about. */
  invalid?: readonly PasswordField[];
}

/** Step 2.3 (R-ACT-5). */
export function passwordPage(v: PasswordView, status = 200): Response {
  const invalid = (field: PasswordField) => v.invalid?.includes(field) ?? false;
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
${textField({ id: 'password', label: 'Scegli Password', type: 'password', maxlength: ACTIVATION_FIELD_MAX.password, autocomplete: 'new-password', hint: 'Vedi i criteri qui sotto.', invalid: invalid('password') })}
${textField({ id: 'passwordConfirm', label: 'Conferma Password', type: 'password', maxlength: ACTIVATION_FIELD_MAX.password, autocomplete: 'new-password', invalid: invalid('passwordConfirm') })}
<p class="mb-1">La password scelta deve rispettare i seguenti criteri:</p>
<ul class="small">${PASSWORD_CRITERIA.map((c) => html`<li>${c}</li>`)}</ul>
<div class="form-check mb-3">
<input class="form-check-input${invalid('gdpr') ? ' is-invalid' : ''}" type="checkbox" id="gdpr" name="gdpr" value="1"${v.gdpr ? html` checked` : ''} aria-required="true"${fieldAria(invalid('gdpr'))}>
<label class="form-check-label" for="gdpr">${gdprLabel}</label>
</div>
<button type="submit" class="btn btn-primary">Continua</button>
</form>
${cancelForm(v.csrf)}`,
  });
}
