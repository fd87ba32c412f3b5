import { html } from '../../platform/html';
import { OTP_DIGITS } from '../../core/otp';
import type { LoginRequest } from '../../core/login-request';
import { loginPath } from '../flow';
import { actionButton, alert, csrfField, loginPage, requestHeader } from './page';

export interface OtpView {
  flowId: string;
  csrf: string;
  request: LoginRequest;
  maskedPhone: string;
  error?: string;
  notice?: string;
}

/** R-LOG-2, SMS branch: the 4-digit code sent to the number on record. */
export function otpPage(view: OtpView, status = 200, headers: Record<string, string> = {}): Response {
  const { flowId, csrf, request } = view;
  const body = html`${requestHeader(request)}
<section aria-labelledby="otp-title">
<h2 class="h4" id="otp-title">Inserisci un codice di verifica.</h2>
<p>Inserisci il codice di verifica a ${OTP_DIGITS} cifre ricevuto via SMS al numero ${view.maskedPhone}</p>
${alert(view.error)}${alert(view.notice, 'info')}
<form method="post" action="${loginPath(flowId, 'otp')}" novalidate>
${csrfField(csrf)}
<div class="form-group mb-3">
  <label for="otp">Codice di verifica OTP</label>
  <input class="form-control" type="text" id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{${OTP_DIGITS}}" maxlength="${OTP_DIGITS}" required>
</div>
<button type="submit" class="btn btn-primary">Prosegui</button>
</form>
<div class="mt-3">Non hai ricevuto il codice? ${actionButton(loginPath(flowId, 'otp/invia'), csrf, 'Invia di nuovo', 'link')}</div>
<div>${actionButton(loginPath(flowId, 'annulla'), csrf, 'Annulla')}</div>
</section>`;
  return loginPage(request, body, status, headers);
}
