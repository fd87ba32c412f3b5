import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { parsePasswordForm } from '../../core/activation-input';
import { hashPassword } from '../../platform/password-hash';
import { advanceAndShow, flowPost, requireSecrets } from '../flow';
import { passwordPage } from '../views/password';

/** POST /attivazione/password — step 2.3 (R-ACT-5): from here on the flow holds only the hash. */
export async function postPassword(request: IRequest, env: Env): Promise<Response> {
  const posted = await flowPost(request, env, 'password');
  if (posted instanceof Response) return posted;
  const { flow, form } = posted;
  const { pepper } = requireSecrets(env);
  const gdpr = form.get('gdpr');
  const parsed = parsePasswordForm(form.get('password'), form.get('passwordConfirm'), gdpr);
  if (!parsed.ok) {
    const { fiscalCode, serial, verifiedEmail } = flow.data;
    return passwordPage({ csrf: flow.csrf, fiscalCode, serial, verifiedEmail, gdpr: Boolean(gdpr), errors: parsed.errors, invalid: parsed.fields }, 400);
  }
  return advanceAndShow(flow, 'configura', { passwordHash: await hashPassword(pepper, parsed.value) });
}
