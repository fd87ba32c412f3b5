import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { CARD_ACTIVATION_FLOW } from '../../core/activation-steps';
import { endFlow, flowStubOf, moveFlow, readFlow } from '../../platform/flows';
import { redirect } from '../../platform/http';
import { existingFlowId, flowCookie, flowGone, withCookies } from '../flow';

/**
 * GET /attivazione/carta/:handle — R-ACT-1's "Entra con CIE": the link the App CieID opens once the card
 * has signed (app/steps/card-activation.ts). The handle is spent by the one move its table lists, so
 * of two openings (a reload, a copy of the link) only the first sets the flow cookie; the activation
 * then shows step 2.1. Anything else is a gone activation, in the activation's words.
 */
export async function openActivationByCard(request: IRequest, env: Env): Promise<Response> {
  const link = await readFlow(env, CARD_ACTIVATION_FLOW, String(request.params.handle ?? ''));
  const activationFlowId = link?.step === 'link' ? link.data.activationFlowId : null;
  if (!link || !activationFlowId || !(await moveFlow(link, 'aperto'))) throw flowGone();
  await endFlow(link);

  // A flow started earlier in this browser is abandoned for this one, as step 1.1 does.
  const previous = existingFlowId(request);
  const stale = previous && previous !== activationFlowId ? flowStubOf(env, previous) : null;
  if (stale) await endFlow({ stub: stale });
  return withCookies(redirect('/attivazione'), flowCookie(request, activationFlowId));
}
