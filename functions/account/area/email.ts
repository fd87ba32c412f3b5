import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { HttpError, conflict } from '../../core/errors';
import { EMAIL_CHANGE_FLOW, EMAIL_MESSAGES, emailRefusal } from '../../core/area-email';
import { EMAIL_MAX, maskPhone, normalizeEmail } from '../../core/contacts';
import { directoryFor } from '../../platform/directory';
import { readFlow } from '../../platform/flows';
import { redirect } from '../../platform/http';
import { notifyHolder } from '../../platform/notices';
import { cardObject } from '../../platform/objects';
import { checkCitizenOtp, openCitizenFlow } from '../../app/citizen-flow';
import { endFlow } from '../../platform/flows';
import { AREA_PATHS } from './layout';
import { type AreaCard, type AreaSession, areaPost, requireAreaSessionAndCard } from './session';
import { emailCodePage, emailPage } from './views/email';

/**
 * The credentials' email, added or changed from the personal area: a code to the new address
 * (platform/otp, within the identity's daily caps), then the `email:` username moves to it. An
 * address that is another identity's username is refused only at the code, which only its mailbox's
 * owner has, and without saying whose: the form answers every address alike, so it cannot be asked
 * whose username an address is. The holder is told (`email_changed`) at the new address, by SMS at
 * the phone on record and at the old address, if any: a hijacked session that adds its own address
 * must not be the only one to hear of it.
 */

const currentEmail = (card: AreaCard) => card.credentials?.verifiedEmail ?? null;

async function ownFlow(env: Env, session: AreaSession, flowId: unknown) {
  const flow = await readFlow(env, EMAIL_CHANGE_FLOW, String(flowId ?? ''));
  return flow && flow.data.serial === session.serial && flow.data.fiscalCode === session.fiscalCode ? flow : null;
}

/** GET /area-personale/email */
export async function showEmail(request: IRequest, env: Env): Promise<Response> {
  const { session, card } = await requireAreaSessionAndCard(request, env);
  if (!card.credentials) return redirect(AREA_PATHS.profile);
  return emailPage(session, { current: currentEmail(card) });
}

/** POST /area-personale/email {email}: the code goes to the new address. */
export async function startEmail(request: IRequest, env: Env): Promise<Response> {
  const { session, card, form } = await areaPost(request, env);
  if (!card.credentials) return redirect(AREA_PATHS.profile);
  const current = currentEmail(card);
  const typed = (form.get('email') ?? '').slice(0, EMAIL_MAX + 1);
  const email = normalizeEmail(typed);
  const refusal = emailRefusal(email, current);
  if (refusal || !email) return emailPage(session, { current, value: typed, errors: [EMAIL_MESSAGES[refusal ?? 'invalid']] }, 400);
  try {
    const data = { serial: session.serial, fiscalCode: session.fiscalCode, maskedPhone: maskPhone(card.phone), email };
    return redirect(`${AREA_PATHS.email}/${await openCitizenFlow(env, EMAIL_CHANGE_FLOW, data, email)}`);
  } catch (err) {
    if (err instanceof HttpError && err.status === 429) return emailPage(session, { current, value: typed, errors: [err.message] }, 429);
    throw err;
  }
}

/** GET /area-personale/email/:flowId — the code page. */
export async function showEmailCode(request: IRequest, env: Env): Promise<Response> {
  const { session, card } = await requireAreaSessionAndCard(request, env);
  const flow = await ownFlow(env, session, request.params.flowId);
  if (!flow) return emailPage(session, { current: currentEmail(card), errors: [EMAIL_CHANGE_FLOW.goneMessage] }, 410);
  return emailCodePage(session, { flowId: flow.id, email: flow.data.email, current: currentEmail(card) });
}

/**
 * The username key first, then the Card: the directory's claim is what makes an address one
 * identity's, so a Card that refuses afterwards gives the key back, and the old key goes last.
 */
async function moveEmail(env: Env, session: AreaSession, email: string): Promise<string | null> {
  const directory = directoryFor(env);
  if (!(await directory.claimEmail(email, session.fiscalCode))) throw conflict(EMAIL_MESSAGES.taken);
  const saved = await cardObject(env, session.serial).setVerifiedEmail(email);
  if (!saved) {
    await directory.releaseEmail(email, session.fiscalCode);
    throw conflict('Le credenziali non sono più attive: l’indirizzo email non è stato salvato.');
  }
  if (saved.previous && saved.previous !== email) await directory.releaseEmail(saved.previous, session.fiscalCode);
  return saved.previous;
}

/** POST /area-personale/email/:flowId {otp} */
export async function confirmEmail(request: IRequest, env: Env): Promise<Response> {
  const { session, card, form } = await areaPost(request, env);
  const current = currentEmail(card);
  const flow = await ownFlow(env, session, request.params.flowId);
  if (!flow) return emailPage(session, { current, errors: [EMAIL_CHANGE_FLOW.goneMessage] }, 410);
  const { email } = flow.data;
  let previous: string | null;
  try {
    await checkCitizenOtp(env, EMAIL_CHANGE_FLOW, flow, { otp: form.get('otp') ?? '' });
    // The code is spent: whatever the directory says next, this flow has nothing left to do.
    await endFlow(flow);
    previous = await moveEmail(env, session, email);
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    if (err.status === 410 || err.status === 409) return emailPage(session, { current, errors: [err.message] }, err.status);
    return emailCodePage(session, { flowId: flow.id, email, current, errors: [err.message] }, err.status);
  }
  await notifyHolder(env, session.serial, { kind: 'email_changed', email }, { phone: true, email: previous });
  return redirect(`${AREA_PATHS.profile}?esito=email`);
}
