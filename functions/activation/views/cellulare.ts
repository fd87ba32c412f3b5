import { html } from '../../platform/html';
import { maskPhone } from '../../core/contacts';
import { cancelForm, csrfField, errorAlert, notice, otpEntry, stepPage } from './common';
import { phoneChangeHint } from '../../home/phone-change';

export interface PhoneView {
  csrf: string;
  phone: string;
  errors: string[];
  /** The errors are about the code typed (not about a code asked again too soon). */
  invalid?: boolean;
  info?: string | null;
  status?: number;
  headers?: Record<string, string>;
}

const HEADING = '2.1 Verifica Numero Cellulare';

function number(phone: string) {
  return html`<p class="mb-1">Numero cellulare</p>
<p class="h5"><strong>${maskPhone(phone)}</strong></p>
${phoneChangeHint('/attivazione')}`;
}

/** Step 2.1 (R-ACT-3), before the SMS: confirming the number sends the code. */
export function cellularePage(v: PhoneView): Response {
  return stepPage({
    step: 'cellulare',
    heading: HEADING,
    status: v.status,
    headers: v.headers,
    body: html`${errorAlert(v.errors)}
${number(v.phone)}
<p>Premendo "Continua" ti invieremo un codice temporaneo OTP tramite SMS a questo numero.</p>
<form method="post" action="/attivazione/cellulare">
${csrfField(v.csrf)}
<button type="submit" class="btn btn-primary">Continua</button>
</form>
${cancelForm(v.csrf)}`,
  });
}

/** Step 2.1 after the SMS: the code, or a new one ("Invia SMS di nuovo", rate limited). */
export function smsOtpPage(v: PhoneView): Response {
  return stepPage({
    step: 'otp-sms',
    heading: HEADING,
    status: v.status,
    headers: v.headers,
    body: html`${errorAlert(v.errors)}${notice(v.info)}
${number(v.phone)}
${otpEntry({
  csrf: v.csrf,
  channel: 'SMS',
  action: '/attivazione/otp-sms',
  invalid: v.invalid,
  extraButtons: html`<button type="submit" class="btn btn-outline-primary" formaction="/attivazione/invia-sms">Invia SMS di nuovo</button>`,
})}
${cancelForm(v.csrf)}`,
  });
}
