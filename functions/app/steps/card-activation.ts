import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import { ACTIVATION_BY_CARD_STARTS_AT, ACTIVATION_FLOW, CARD_ACTIVATION_FLOW, activationDataOf } from '../../core/activation-steps';
import { pinBlockedError, reportsPinBlocked } from '../../core/card-registration-flow';
import { HttpError } from '../../core/errors';
import { randomId } from '../../platform/crypto';
import { endFlow, flowGone, moveFlow, requireFlow, startFlow } from '../../platform/flows';
import { json, readJsonObject } from '../../platform/http';
import { requireDeviceSession } from '../session';
import { cardRefused, logCardRefusal, parsePresentation, requireOwnCard, verifiedCard } from './card-registration';

/**
 * R-ACT-1's alternative, "Entra con CIE": a citizen whose card is registered in the App (R-L3-1)
 * activates level 1/2 credentials by a card signature instead of the PUK digits, so step 1.2 is
 * skipped. The App asks for a challenge, posts the card's presentation over it, and gets the link the
 * browser opens (/attivazione/carta/<handle>, activation/steps/carta.ts) at step 2.1.
 */

const unavailable = () => new HttpError(503, 'temporarily_unavailable', 'Servizio temporaneamente non disponibile');

/** The single-use handle the browser opens: the App-side flow's id, spent by the browser's move. */
export const activationByCardPath = (handle: string): string => `/attivazione/carta/${handle}`;

/** GET|POST /app/attivazione/sfida — a device session's challenge for the card to sign (201 {flowId, challenge}). */
export async function cardActivationChallenge(request: IRequest, env: Env): Promise<Response> {
  const { cardId, device } = await requireDeviceSession(request, env);
  const challenge = randomId();
  const flow = await startFlow(env, CARD_ACTIVATION_FLOW, 'sfida', { challenge, cardId, deviceId: device.id, activationFlowId: null });
  if (!flow) throw unavailable();
  return json({ flowId: flow.id, challenge, expiresAt: new Date(flow.expiresAt).toISOString() }, 201);
}

/**
 * POST /app/attivazione — {flowId, certificate, signature}, or {flowId, pinBlocked: true} (423). The
 * challenge is taken by the flow's one move before any check (a replay finds it spent: 410); then
 * the card's checks, the device's own card, and a card this very device holds (R-L3-1). The card's
 * standing at level 3 (check 5) covers step 1.1's refusals (R-CARD-3, R-CARD-4, R-CARD-7) and more, so
 * no card that step 1.1 would refuse starts here. Answer 201 {url}: the activation, at step 2.1.
 */
export async function activateByCard(request: IRequest, env: Env): Promise<Response> {
  const session = await requireDeviceSession(request, env);
  const body = await readJsonObject(request);
  const flow = await requireFlow(env, CARD_ACTIVATION_FLOW, typeof body.flowId === 'string' ? body.flowId : '');
  // Another device's challenge is not there for this one.
  if (flow.step !== 'sfida' || flow.data.cardId !== session.cardId || flow.data.deviceId !== session.device.id) throw flowGone(CARD_ACTIVATION_FLOW);
  if (reportsPinBlocked(body)) {
    await logCardRefusal(session.card, 'activation', 'pin_blocked');
    throw pinBlockedError();
  }
  const presentation = parsePresentation(body);

  const taken = await moveFlow(flow, 'verifica');
  if (!taken) throw flowGone(CARD_ACTIVATION_FLOW);
  try {
    const verified = await verifiedCard(env, presentation, flow.data.challenge, 'activation', session.card);
    await requireOwnCard(env, session, verified.serial, 'activation');
    if (!(await session.card.deviceHoldsCard(session.device.id, verified.card.certificateFingerprint!))) {
      await logCardRefusal(session.card, 'activation', 'card_not_registered');
      throw cardRefused('card_not_registered');
    }
    const activation = await startFlow(env, ACTIVATION_FLOW, ACTIVATION_BY_CARD_STARTS_AT, activationDataOf(verified.card, null));
    if (!activation) throw unavailable();
    const linked = await moveFlow(taken, 'link', { activationFlowId: activation.id });
    if (!linked) {
      await endFlow(activation);
      throw flowGone(CARD_ACTIVATION_FLOW);
    }
    return json({ url: new URL(activationByCardPath(flow.id), request.url).toString(), expiresAt: new Date(linked.expiresAt).toISOString() }, 201);
  } catch (err) {
    await endFlow(taken);
    throw err;
  }
}
