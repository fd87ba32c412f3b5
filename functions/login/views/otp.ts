import { html } from '../../platform/html';
import { OTP_DIGITS } from '../../core/otp';
import type { LoginRequest } from '../../core/login-request';
import { loginPath } from '../flow';
import { fieldAria } from '../../platform/form-error';
import { phoneChangeHint } from '../../home/phone-change';
import { actionButton, actionSentence, alert, csrfField, loginPage, requestHeader } from './page';

export interface OtpView {
  flowId: string;
  csrf: string;
  request: LoginRequest;
  maskedPhone: string;
  error?: string;
  notice?: string;
}

/**
 * R-LOG-2, SMS branch: the 4-digit code sent to the number on record. A 400 refused the code typed,
 * so the field says so; a 429 (a code asked too soon, the day's codes used up) is about no field.
 */
export function otpPage(view: OtpView, status = 200, headers: Record<string, string> = {}): Response {
  const { flowId, csrf, request } = view;
  const invalid = Boolean(view.error) && status === 400;
  const body = html`${requestHeader(request)}
<section aria-labelledby="otp-title">
<h2 class="h4" id="otp-title">Inserisci un codice di verifica.</h2>
<p>Inserisci il codice di verifica a ${OTP_DIGITS} cifre ricevuto via SMS al numero ${view.maskedPhone}</p>
${alert(view.error)}${alert(view.notice, 'info')}
<form method="post" action="${loginPath(flowId, 'otp')}" novalidate>
${csrfField(csrf)}
<div class="form-group mb-3">
  <label for="otp" class="form-label active">Codice di verifica OTP</label>
  <input class="form-control${invalid ? ' is-invalid' : ''}" type="text" id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{${OTP_DIGITS}}" maxlength="${OTP_DIGITS}" required${fieldAria(invalid)}>
</div>
<button type="submit" class="btn btn-primary">Prosegui</button>
</form>
<div class="mt-3">
${actionSentence(loginPath(flowId, 'otp/invia'), csrf, 'Non hai ricevuto il codice?', 'Invia di nuovo')}
${phoneChangeHint(loginPath(flowId))}
</div>
<div>${actionButton(loginPath(flowId, 'annulla'), csrf, 'Annulla')}</div>
</section>`;
  return loginPage(request, body, status, headers);
}
