import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { ACTIVATION_FIELD_MAX, keepInput, parseEmail } from '../../core/activation-input';
import { directoryFor } from '../../platform/directory';
import { advanceAndShow, flowPost, type PostedFlow } from '../flow';
import { checkCode, sendCode } from '../otp';
import { closeAsGone, closeWithRefusal } from '../render';
import { emailOtpPage, emailPage } from '../views/email';
import { TOO_MANY_WRONG_CODES } from './cellulare';

export const EMAIL_TAKEN = 'Questo indirizzo email è già usato come username da un\'altra identità digitale: indicane un altro oppure scegli "Non adesso".';

/** Sends the code to `email` and moves to (or stays on) the code form; refusals keep the citizen's page. */
async function sendEmail(request: Request, env: Env, flow: PostedFlow, email: string): Promise<Response> {
  const result = await sendCode(env, flow, 'email', email);
  if (result.sent) {
    if (flow.step === 'otp-email') {
      return emailOtpPage({ csrf: flow.csrf, email, errors: [], info: 'Ti abbiamo inviato un nuovo codice via email. Il codice precedente non è più valido.' });
    }
    return advanceAndShow(flow, 'otp-email', { email });
  }
  if ('refusal' in result) return closeWithRefusal(request, flow, result.refusal);
  const page = flow.step === 'otp-email' ? emailOtpPage : emailPage;
  return page({ csrf: flow.csrf, email, errors: [result.message], status: 429, headers: { 'Retry-After': String(result.retryAfter) } });
}

/** POST /attivazione/email — step 2.2 (R-ACT-4): an address no other identity uses as its username. */
export async function postEmail(request: IRequest, env: Env): Promise<Response> {
  const posted = await flowPost(request, env, 'email');
  if (posted instanceof Response) return posted;
  const { flow, form } = posted;
  const kept = keepInput(form.get('email'), ACTIVATION_FIELD_MAX.email);
  const parsed = parseEmail(form.get('email'));
  if (!parsed.ok) return emailPage({ csrf: flow.csrf, email: kept, errors: parsed.errors, invalid: true, status: 400 });
  const owner = await directoryFor(env).resolveUsername(parsed.value);
  if (owner !== null && owner !== flow.data.serial) {
    return emailPage({ csrf: flow.csrf, email: kept, errors: [EMAIL_TAKEN], invalid: true, status: 400 });
  }
  return sendEmail(request, env, flow, parsed.value);
}

/** POST /attivazione/invia-email — "Invia email di nuovo" (R-OTP-3). */
export async function postResendEmail(request: IRequest, env: Env): Promise<Response> {
  const posted = await flowPost(request, env, 'invia-email');
  if (posted instanceof Response) return posted;
  const { flow } = posted;
  if (!flow.data.email) return advanceAndShow(flow, 'email');
  return sendEmail(request, env, flow, flow.data.email);
}

/** POST /attivazione/otp-email — the code from the email; the address becomes a username at step 3. */
export async function postEmailOtp(request: IRequest, env: Env): Promise<Response> {
  const posted = await flowPost(request, env, 'otp-email');
  if (posted instanceof Response) return posted;
  const { flow, form } = posted;
  const checked = await checkCode(env, flow, 'email', form.get('otp'));
  if (checked.ok) return advanceAndShow(flow, 'password', { verifiedEmail: flow.data.email });
  if (checked.closed) return closeAsGone(request, flow, TOO_MANY_WRONG_CODES);
  const status = checked.status ?? 400;
  // As for the SMS: only a 400 is about the code typed.
  return emailOtpPage({ csrf: flow.csrf, email: flow.data.email ?? '', errors: checked.errors, invalid: status === 400, status, headers: checked.headers });
}

/** POST /attivazione/cambia-email — back to the address, kept for editing. */
export async function postChangeEmail(request: IRequest, env: Env): Promise<Response> {
  const posted = await flowPost(request, env, 'cambia-email');
  if (posted instanceof Response) return posted;
  return advanceAndShow(posted.flow, 'email');
}

/** POST /attivazione/non-adesso — "Non adesso": no email now (it can be added later). */
export async function postSkipEmail(request: IRequest, env: Env): Promise<Response> {
  const posted = await flowPost(request, env, 'non-adesso');
  if (posted instanceof Response) return posted;
  return advanceAndShow(posted.flow, 'password', { email: null, verifiedEmail: null });
}
