import { OTP_DIGITS } from '../../../core/otp';
import { type SafeHtml, csrfField, html } from '../../../platform/html';
import { errorAlert, textField } from '../../../activation/views/common';

/**
 * The code-entry form of the area's changes (mode switch, email): where the code went, the
 * "Codice di verifica OTP" field, "Conferma", and the way back.
 */
export function codeForm(v: { action: string; csrf: string; sentTo: string; errors: readonly string[]; back: string }): SafeHtml {
  return html`${errorAlert(v.errors)}
<p>Abbiamo inviato un codice di ${OTP_DIGITS} cifre a <strong>${v.sentTo}</strong>. Il codice vale 5 minuti.</p>
<form method="post" action="${v.action}" novalidate>
${csrfField(v.csrf)}
${textField({ id: 'otp', label: 'Codice di verifica OTP', maxlength: OTP_DIGITS, inputmode: 'numeric', autocomplete: 'one-time-code', invalid: v.errors.length > 0 })}
<div class="d-flex flex-wrap gap-2">
<button type="submit" class="btn btn-primary">Conferma</button>
<a class="btn btn-outline-secondary" href="${v.back}">Annulla</a>
</div>
</form>`;
}
