import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { parseL2Mode } from '../../core/card';
import { activationRefusal, refusalForStatus } from '../../core/activation-eligibility';
import { directoryFor } from '../../platform/directory';
import { cardObject } from '../../platform/objects';
import { advanceAndShow, flowGone, flowPost, moveByAction } from '../flow';
import { closeWithRefusal } from '../render';
import { configuraPage } from '../views/configura';

export const EMAIL_TAKEN_MEANWHILE =
  "L'indirizzo email che hai verificato è stato nel frattempo associato a un'altra identità digitale: l'attivazione proseguirà senza email. Scegli di nuovo la modalità per confermare.";

/**
 * POST /attivazione/configura — step 3 (R-ACT-6), then everything is saved at once (R-ACT-8): the
 * email username is claimed first, the card's credentials replaced in one statement (R-ACT-9), and
 * only then is an email the card no longer uses given up. A failure at any point leaves the card as
 * it was, and a repeated post does the same thing again.
 */
export async function postConfigura(request: IRequest, env: Env): Promise<Response> {
  const posted = await flowPost(request, env, 'configura');
  if (posted instanceof Response) return posted;
  const { flow, form } = posted;
  const mode = parseL2Mode(form.get('mode'));
  if (!mode) return configuraPage({ csrf: flow.csrf, errors: ['Scegli come autorizzare i tuoi accessi: App CieID oppure SMS.'] }, 400);

  const { fiscalCode, serial, passwordHash, verifiedEmail } = flow.data;
  if (!passwordHash) throw flowGone();
  const card = cardObject(env, serial);
  const directory = directoryFor(env);

  const before = await card.view();
  const refusal = before ? activationRefusal(before, new Date()) : 'unusable';
  if (refusal) return closeWithRefusal(request, flow, refusal);
  const previousEmail = before?.credentials?.verifiedEmail ?? null;

  if (verifiedEmail && !(await directory.claimEmail(verifiedEmail, fiscalCode))) {
    await moveByAction(flow, 'configura', { verifiedEmail: null, mode });
    return configuraPage({ csrf: flow.csrf, errors: [EMAIL_TAKEN_MEANWHILE] }, 409);
  }

  const saved = await card.activate({ passwordHash, mode, verifiedEmail });
  if (!saved.ok) {
    if (verifiedEmail && verifiedEmail !== previousEmail) await directory.releaseEmail(verifiedEmail, fiscalCode);
    return closeWithRefusal(request, flow, refusalForStatus(saved.status));
  }
  if (previousEmail && previousEmail !== verifiedEmail) await directory.releaseEmail(previousEmail, fiscalCode);

  return advanceAndShow(flow, 'riepilogo', { mode, passwordHash: null });
}
