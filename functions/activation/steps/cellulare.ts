import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { redirect } from '../../platform/http';
import { advanceAndShow, flowPost, type PostedFlow } from '../flow';
import { checkCode, sendCode } from '../otp';
import { closeAsGone, closeWithRefusal, currentStepPage } from '../render';
import { smsOtpPage } from '../views/cellulare';

export const TOO_MANY_WRONG_CODES = 'Hai inserito troppe volte un codice errato: per sicurezza la procedura è stata chiusa.';

/** Sends the SMS and shows the code form; the page the citizen is on says why when it cannot. */
async function sendSms(request: Request, env: Env, flow: PostedFlow): Promise<Response> {
  const result = await sendCode(env, flow, 'sms', flow.data.phone);
  if (result.sent) {
    if (flow.step === 'otp-sms') {
      return smsOtpPage({
        csrf: flow.csrf,
        phone: flow.data.phone,
        errors: [],
        info: 'Ti abbiamo inviato un nuovo codice via SMS. Il codice precedente non è più valido.',
      });
    }
    return advanceAndShow(flow, 'otp-sms');
  }
  if ('refusal' in result) return closeWithRefusal(request, flow, result.refusal);
  return currentStepPage(flow, { errors: [result.message], status: 429, headers: { 'Retry-After': String(result.retryAfter) } }) ?? redirect('/attivazione');
}

/** POST /attivazione/cellulare — step 2.1 (R-ACT-3): confirming the masked number sends the code. */
export async function postCellulare(request: IRequest, env: Env): Promise<Response> {
  const posted = await flowPost(request, env, 'cellulare');
  if (posted instanceof Response) return posted;
  return sendSms(request, env, posted.flow);
}

/** POST /attivazione/invia-sms — "Invia SMS di nuovo" (R-OTP-3). */
export async function postResendSms(request: IRequest, env: Env): Promise<Response> {
  const posted = await flowPost(request, env, 'invia-sms');
  if (posted instanceof Response) return posted;
  return sendSms(request, env, posted.flow);
}

/** POST /attivazione/otp-sms — the code from the SMS (R-OTP-1, R-OTP-2). */
export async function postSmsOtp(request: IRequest, env: Env): Promise<Response> {
  const posted = await flowPost(request, env, 'otp-sms');
  if (posted instanceof Response) return posted;
  const { flow, form } = posted;
  const checked = await checkCode(env, flow, 'sms', form.get('otp'));
  if (checked.ok) return advanceAndShow(flow, 'email');
  if (checked.closed) return closeAsGone(request, flow, TOO_MANY_WRONG_CODES);
  const status = checked.status ?? 400;
  // A 400 is about the code typed; a 429 (the day's checks used up) about no code in particular.
  return smsOtpPage({ csrf: flow.csrf, phone: flow.data.phone, errors: checked.errors, invalid: status === 400, status, headers: checked.headers });
}
