import type { IRequest } from 'itty-router';
import type { Env } from '../../env';
import type { CardPresentation } from '../../core/card-auth';
import {
  CARD_REGISTERED,
  CARD_REGISTRATION_FLOW,
  type CardRegistrationData,
  type CardUseRefusal,
  cardUseRefusalMessage,
  pinBlockedError,
  reportsPinBlocked,
} from '../../core/card-registration-flow';
import { HttpError, badRequest, conflict } from '../../core/errors';
import { type CardVerification, verifyCardPresentation } from '../../platform/card-auth';
import { randomId } from '../../platform/crypto';
import { endFlow, flowGone, moveFlow, requireFlow, startFlow } from '../../platform/flows';
import { json, readJsonObject } from '../../platform/http';
import { notifyHolder } from '../../platform/notices';
import { type CardStub, cardObject, cardObjectId } from '../../platform/objects';
import { type DeviceSession, requireDeviceSession } from '../session';
import { certifiedAnswer, creationOptions, newDevice, parseDeviceChoice, registrationRefused, verifiedCredential } from './registration';

/**
 * "Registra la tua carta" (R-L3-1, R-L3-2; docs/level3.md, "Flows"): the App gets a challenge, the chip
 * (unlocked by the full PIN) signs it, and the card is bound to the device. The helpers below serve
 * the activation by card (card-activation.ts) too: the same presentation, the same refusals.
 */

const unavailable = () => new HttpError(503, 'temporarily_unavailable', 'Servizio temporaneamente non disponibile');

/** What the App does with the card outside a login, as the holder's "Elenco accessi" names it. */
export type CardUse = 'registration' | 'activation';

const CARD_USE_NAMES: Readonly<Record<CardUse, string>> = {
  registration: 'App CieID: registrazione della carta',
  activation: 'Attivazione delle credenziali con la carta',
};

/** R-LOG-9: a refused use of the card, in the access log of `holder` (method card, level 3, no relying party). */
export async function logCardRefusal(holder: CardStub, use: CardUse, reason: CardUseRefusal | 'pin_blocked' | 'registration_refused'): Promise<void> {
  await holder.logAccess({ at: Date.now(), rp: '', rpName: CARD_USE_NAMES[use], level: 3, method: 'card', outcome: 'card_refused', reason });
}

export const cardRefused = (reason: CardUseRefusal) => new HttpError(403, 'card_refused', cardUseRefusalMessage(reason));

/**
 * The presentation's two fields as text, or 400 before anything is spent. Their size and content are
 * verifyCardPresentation's to judge (bounded there, and a reason rather than a throw).
 */
export function parsePresentation(body: Record<string, unknown>): CardPresentation {
  const { certificate, signature } = body;
  if (typeof certificate === 'string' && typeof signature === 'string') return { certificate, signature };
  throw badRequest('Presentazione della carta mancante o non valida: servono certificate e signature.', [
    ...(typeof certificate === 'string' ? [] : [{ field: 'certificate', message: 'mancante o non valido' }]),
    ...(typeof signature === 'string' ? [] : [{ field: 'signature', message: 'mancante o non valido' }]),
  ]);
}

/**
 * The presentation checked (docs/level3.md, checks 1–7) over `challenge`, and the card it names when it
 * passes. A refusal is logged in the presented card's holder's log when the card is known, else in
 * `fallback`'s (the device's holder), then answered 403.
 */
export async function verifiedCard(
  env: Env,
  presentation: CardPresentation,
  challenge: string,
  use: CardUse,
  fallback: CardStub | null,
): Promise<Extract<CardVerification, { ok: true }>> {
  const verified = await verifyCardPresentation(env, presentation, challenge, new Date());
  if (verified.ok) return verified;
  const holder = verified.serial ? cardObject(env, verified.serial) : fallback;
  if (holder) await logCardRefusal(holder, use, verified.reason);
  throw cardRefused(verified.reason);
}

/**
 * The device may use only the card it belongs to: a device session names its card, and a codice
 * fiscale has one card in service (R-CARD-7 supersedes the others, and revokes their devices), so
 * "the same card" and "the holder's card" are one test. The presented card's holder is told.
 */
export async function requireOwnCard(env: Env, session: DeviceSession, serial: string, use: CardUse): Promise<void> {
  if (cardObjectId(env, serial) === session.cardId) return;
  await logCardRefusal(cardObject(env, serial), use, 'card_other_identity');
  throw cardRefused('card_other_identity');
}

/** A WebAuthn user name for a device certified by its card: the holder is not known until the card is read. */
const CARD_DEVICE_USER_NAME = 'CieID';

/**
 * POST /app/carta — R-L3-1: with a device session, the challenge the card signs (201 {flowId, challenge}).
 * R-L3-2: without one, the registration also certifies the device, so the answer adds the WebAuthn
 * creation options (`registrationOptions`) for the App's key. A session that is sent but not valid
 * is refused (401), never taken for "no session".
 */
export async function startCardRegistration(request: IRequest, env: Env): Promise<Response> {
  const session = request.headers.has('Authorization') ? await requireDeviceSession(request, env) : null;
  const challenge = randomId();
  if (session) {
    const data: CardRegistrationData = { challenge, device: { cardId: session.cardId, deviceId: session.device.id }, webauthnChallenge: null };
    const flow = await startFlow(env, CARD_REGISTRATION_FLOW, 'carta', data);
    if (!flow) throw unavailable();
    return json({ flowId: flow.id, challenge, expiresAt: new Date(flow.expiresAt).toISOString() }, 201);
  }
  const options = await creationOptions(env, CARD_DEVICE_USER_NAME);
  const flow = await startFlow(env, CARD_REGISTRATION_FLOW, 'carta', { challenge, device: null, webauthnChallenge: options.challenge });
  if (!flow) throw unavailable();
  return json({ flowId: flow.id, challenge, registrationOptions: options, expiresAt: new Date(flow.expiresAt).toISOString() }, 201);
}

/** The device session that started the registration, and no other: a registration of another device is not there for this one. */
async function startingDevice(request: Request, env: Env, device: NonNullable<CardRegistrationData['device']>): Promise<DeviceSession> {
  const session = await requireDeviceSession(request, env);
  if (session.cardId !== device.cardId || session.device.id !== device.deviceId) throw flowGone(CARD_REGISTRATION_FLOW);
  return session;
}

/**
 * POST /app/carta/:flowId — {certificate, signature} over the flow's challenge (R-L3-1), plus, for a
 * registration that certifies the device (R-L3-2), {response, deviceName, notifications} as device
 * certification takes them; or {pinBlocked: true} when the chip refused (423). The challenge is taken
 * by the one move the table lists, before any check, so a replay, a second try or the 99 others of
 * 100 concurrent posts find the flow spent (410); the flow is deleted whatever the outcome.
 */
export async function finishCardRegistration(request: IRequest, env: Env): Promise<Response> {
  const body = await readJsonObject(request);
  const flow = await requireFlow(env, CARD_REGISTRATION_FLOW, String(request.params.flowId ?? ''));
  if (flow.step !== 'carta') throw flowGone(CARD_REGISTRATION_FLOW);
  const session = flow.data.device ? await startingDevice(request, env, flow.data.device) : null;
  if (reportsPinBlocked(body)) {
    if (session) await logCardRefusal(session.card, 'registration', 'pin_blocked');
    throw pinBlockedError();
  }
  const presentation = parsePresentation(body);
  const choice = session ? null : parseDeviceChoice(body);
  if (!session && (typeof body.response !== 'object' || body.response === null)) {
    throw badRequest('Registrazione del dispositivo mancante.', [{ field: 'response', message: 'obbligatorio' }]);
  }

  const taken = await moveFlow(flow, 'verifica');
  if (!taken) throw flowGone(CARD_REGISTRATION_FLOW);
  try {
    const verified = await verifiedCard(env, presentation, flow.data.challenge, 'registration', session?.card ?? null);
    // The Card keeps its certificate's fingerprint; a verified card has one (check 4 compared its certificate).
    const fingerprint = verified.card.certificateFingerprint!;
    if (session) {
      await requireOwnCard(env, session, verified.serial, 'registration');
      if (!(await session.card.registerL3Device(session.device.id, fingerprint)))
        throw conflict('La carta non può essere registrata su questo dispositivo ora: riprova.');
      return json({ message: CARD_REGISTERED, serial: verified.serial });
    }
    // R-L3-2: the card is read first, so a device is certified only for a card that passed.
    const holder = cardObject(env, verified.serial);
    const credential = await verifiedCredential(env, body.response, flow.data.webauthnChallenge!);
    if (!credential) {
      await logCardRefusal(holder, 'registration', 'registration_refused');
      throw registrationRefused();
    }
    const certifying = await newDevice(env, verified.serial, credential, choice!);
    if (!(await holder.addL3Device(certifying.device, certifying.sessionHash, fingerprint))) throw conflict('Questo dispositivo è già certificato.');
    await notifyHolder(env, verified.serial, { kind: 'device_added', name: certifying.device.name });
    return json({ message: CARD_REGISTERED, serial: verified.serial, ...certifiedAnswer(certifying.device, certifying.token) }, 201);
  } finally {
    await endFlow(taken);
  }
}
