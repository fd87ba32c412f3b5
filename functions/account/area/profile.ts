import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { profileOutcome } from '../../core/area-profile';
import { requireAreaSession, requireAreaSessionAndCard } from './session';
import { faqPage } from './views/faq';
import { profilePage } from './views/profile';

/** GET /area-personale/gestione — "Gestione CieID" (R-ACC-1), every state read from the Card now. */
export async function showProfile(request: IRequest, env: Env): Promise<Response> {
  const { session, card } = await requireAreaSessionAndCard(request, env);
  return profilePage(session, card, profileOutcome(new URL(request.url).searchParams.get('esito')));
}

/** GET /area-personale/domande-frequenti */
export async function showFaq(request: IRequest, env: Env): Promise<Response> {
  return faqPage(await requireAreaSession(request, env));
}
