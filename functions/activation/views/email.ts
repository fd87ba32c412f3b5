import { html } from '../../platform/html';
import { ACTIVATION_FIELD_MAX } from '../../core/activation-input';
import { cancelForm, csrfField, errorAlert, notice, otpEntry, stepPage, textField } from './common';

export interface EmailView {
  csrf: string;
  email: string;
  errors: string[];
  /** The errors are about the page's field: the address, or the code (not a re-send refused). */
  invalid?: boolean;
  info?: string | null;
  status?: number;
  headers?: Record<string, string>;
}

const HEADING = '2.2 Verifica Indirizzo E-mail';

/** Step 2.2 (R-ACT-4): optional; "Non adesso" goes straight to the password. */
export function emailPage(v: EmailView): Response {
  return stepPage({
    step: 'email',
    heading: HEADING,
    status: v.status,
    headers: v.headers,
    body: html`${errorAlert(v.errors)}
<p><strong>Passaggio FACOLTATIVO.</strong> Un indirizzo email verificato potrà essere usato come username. Ti consigliamo un indirizzo personale; potrai aggiungerlo anche in un secondo momento.</p>
<form method="post" action="/attivazione/email" novalidate>
${csrfField(v.csrf)}
${textField({ id: 'email', label: 'Indirizzo email', type: 'email', value: v.email, maxlength: ACTIVATION_FIELD_MAX.email, inputmode: 'email', autocomplete: 'email', invalid: v.invalid })}
<div class="d-flex flex-wrap gap-2">
<button type="submit" class="btn btn-primary">Invia codice</button>
<button type="submit" class="btn btn-outline-primary" formaction="/attivazione/non-adesso">Non adesso</button>
</div>
</form>
${cancelForm(v.csrf)}`,
  });
}

/** Step 2.2 after the email: the code, a new one, another address, or skip. */
export function emailOtpPage(v: EmailView): Response {
  return stepPage({
    step: 'otp-email',
    heading: HEADING,
    status: v.status,
    headers: v.headers,
    body: html`${errorAlert(v.errors)}${notice(v.info)}
<p><strong>Passaggio FACOLTATIVO.</strong></p>
<p class="mb-1">Indirizzo email</p>
<p class="h5"><strong>${v.email}</strong></p>
${otpEntry({
  csrf: v.csrf,
  channel: 'email',
  action: '/attivazione/otp-email',
  invalid: v.invalid,
  extraButtons: html`<button type="submit" class="btn btn-outline-primary" formaction="/attivazione/invia-email">Invia email di nuovo</button>
<button type="submit" class="btn btn-outline-secondary" formaction="/attivazione/cambia-email">Cambia indirizzo email</button>
<button type="submit" class="btn btn-outline-secondary" formaction="/attivazione/non-adesso">Non adesso</button>`,
})}
${cancelForm(v.csrf)}`,
  });
}
