import type { CardAuthReason } from './card-auth';
import { HttpError } from './errors';
import { type FlowKind, defineFlow } from './flows';
import { REFUSAL_MESSAGES } from './login-messages';
import type { Refusal } from './login-levels';

/**
 * R-L3-1, R-L3-2: "Registra la tua carta" in the App CieID (docs/level3.md, "Flows"). The server hands
 * out a challenge; the chip, unlocked by the full 8-digit PIN, signs it; the card is then bound to the
 * device. Without a device session (R-L3-2: no level 1/2 credentials needed) the same flow also
 * certifies the device, so its start also hands out WebAuthn creation options.
 */

/**
 * carta (the challenge handed out, waiting for the card's presentation) → verifica (the challenge
 * taken: the one move a presentation makes, so a replay or the 99 others of 100 concurrent
 * presentations find it spent). A verified presentation then binds the card and the flow is
 * deleted; a refused one deletes it too, and the App asks for a new challenge.
 */
export type CardRegistrationStep = 'carta' | 'verifica';

export interface CardRegistrationData {
  /** What the card signs (core/card-auth: cardSignedMessage); single use, through the move to verifica. */
  challenge: string;
  /**
   * The device session that started the registration (its card's object id and its device id): only
   * that device may finish it. Null when the registration itself certifies the device (R-L3-2).
   */
  device: { cardId: string; deviceId: string } | null;
  /** R-L3-2: the challenge of the WebAuthn creation options handed out with the card's; null with a device session. */
  webauthnChallenge: string | null;
}

/** Ten minutes, as the App's other flows: the card is read at once, the PIN typed once. */
const CARD_REGISTRATION_IDLE_MS = 10 * 60_000;

export const CARD_REGISTRATION_FLOW: FlowKind<CardRegistrationStep, CardRegistrationData> = defineFlow<CardRegistrationStep, CardRegistrationData>({
  type: 'app-card-registration',
  goneMessage: "La registrazione della carta è scaduta o è già conclusa: ricomincia dall'inizio.",
  idleMs: CARD_REGISTRATION_IDLE_MS,
  starts: ['carta'],
  moves: { carta: ['verifica'], verifica: [] },
  // Nothing is written: who may finish and what is signed are fixed when the flow starts.
  writes: { carta: [], verifica: [] },
});

export const CARD_REGISTERED = 'Carta registrata correttamente';

/**
 * Deliver item 4 of issue 12 (R-L3-3): the chip said its PIN is blocked (3 wrong PINs). The App says so
 * instead of a presentation, and is told where the PUK unblocks it (R-PUK-1), for its own screen.
 */
export const PIN_BLOCKED_MESSAGE = "Il PIN è bloccato: sbloccalo con il PUK dall'App CieID, Gestione carta → Sblocco carta";

/** `{pinBlocked: true}` in place of a presentation: exactly true, nothing that merely looks like it. */
export const reportsPinBlocked = (body: Record<string, unknown>): boolean => body.pinBlocked === true;

export const pinBlockedError = () => new HttpError(423, 'pin_blocked', PIN_BLOCKED_MESSAGE);

/**
 * Why the App's use of a card outside a login (registration, activation by card) is refused: the
 * card checks (docs/level3.md, checks 1–7), a card of somebody other than the device's holder, and
 * (activation) a card this device does not hold.
 */
export type CardUseRefusal = CardAuthReason | 'card_other_identity' | 'card_not_registered';

const UNRECOGNISED = "La carta non è stata riconosciuta: usa la tua Carta d'Identità Elettronica in corso di validità.";

const CARD_USE_MESSAGES: Readonly<Record<Exclude<CardUseRefusal, Refusal>, string>> = {
  certificate_malformed: UNRECOGNISED,
  certificate_untrusted: UNRECOGNISED,
  card_unknown: UNRECOGNISED,
  certificate_expired: 'Il certificato della carta è scaduto: serve una carta in corso di validità.',
  level3_suspended: "L'uso della carta (livello 3) è sospeso per questa carta: puoi riattivarlo dalla tua area personale.",
  signature_invalid: "La firma della carta non vale per questa richiesta: ripeti la lettura della carta dall'inizio.",
  card_other_identity: 'La carta letta non è intestata al titolare di questo dispositivo: usa la tua carta.',
  card_not_registered: 'Questa carta non è registrata in questa App CieID: registrala prima con «Registra la tua carta».',
};

/** The card's own refusals (R-CARD-3, R-CARD-4, R-CARD-7, R-PUK-3) keep the login's words: one sentence per reason. */
export function cardUseRefusalMessage(reason: CardUseRefusal): string {
  return Object.hasOwn(REFUSAL_MESSAGES, reason) ? REFUSAL_MESSAGES[reason as Refusal] : CARD_USE_MESSAGES[reason as Exclude<CardUseRefusal, Refusal>];
}
