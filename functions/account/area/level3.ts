import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { parseLevel3Action } from '../../core/area-revocation';
import { badRequest } from '../../core/errors';
import { notifyHolder } from '../../platform/notices';
import { cardObject } from '../../platform/objects';
import { areaPost, requireAreaSessionAndCard } from './session';
import { level3Page } from './views/level3';
import { currentPasswordRefusal } from './revoke';

/** GET /area-personale/livello3 — R-ACC-4: the card's level 3 standing and the action that fits it. */
export async function showLevel3(request: IRequest, env: Env): Promise<Response> {
  const { session, card } = await requireAreaSessionAndCard(request, env);
  return level3Page({ session, card });
}

/**
 * POST /area-personale/livello3 — R-ACC-4 "Sospendi livello 3" (azione=sospendi) and "Riattiva livello
 * 3" (azione=riattiva). Suspending asks for no password: it only ever takes a power away from the card,
 * so whoever holds the session can do no harm with it that "Esci" could not undo — and a holder whose
 * card is in someone else's hands must be able to stop it at once. Resuming gives the power back, so
 * it asks for the current password, throttled as a login is (R-LOG-8).
 */
export async function postLevel3(request: IRequest, env: Env, ctx: ExecutionContext): Promise<Response> {
  const { session, card, form } = await areaPost(request, env);
  const action = parseLevel3Action(form.get('azione'));
  if (!action) throw badRequest('Scegli se sospendere o riattivare il livello 3 dalla pagina Credenziali livello 3.');
  const stub = cardObject(env, session.serial);

  if (action === 'sospendi') {
    if (await stub.setLevel3Suspended(true, Date.now())) ctx.waitUntil(notifyHolder(env, session.serial, { kind: 'level3_suspended' }));
    return level3Page({ session, card: { ...card, level3Suspended: true }, outcome: 'sospeso' });
  }

  // Nothing to resume (a second tab resumed it): the page as it stands.
  if (!card.level3Suspended) return level3Page({ session, card });
  const refused = await currentPasswordRefusal(env, session.serial, form);
  if (refused) {
    return level3Page({ session, card, error: refused.message, status: refused.status });
  }
  if (await stub.setLevel3Suspended(false, Date.now())) ctx.waitUntil(notifyHolder(env, session.serial, { kind: 'level3_resumed' }));
  return level3Page({ session, card: { ...card, level3Suspended: false }, outcome: 'riattivato' });
}
