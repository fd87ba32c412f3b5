import type { L2Mode } from './card';
import { defineFlow } from './flows';
import { type CardStanding, type Level, type LoginMethod, type Refusal, loginRefusal, provenBy, secondFactorFor } from './login-levels';
import type { LoginRequest } from './login-request';
import { LOGIN_IDLE_MS } from './oidc-lifetimes';

/**
 * The login as one state machine (R-LOG-1, R-LOG-2, R-LOG-3, R-LOG-7, R-LVL-2): its table and every
 * decision that moves it. The login pages, the App's push approval and its QR approval all advance it
 * through these functions, so what a password, a code or an App decision leads to is said once.
 * Handlers only apply the move a function returns (platform/flows.ts checks it against the table).
 */
export type LoginStep = 'credentials' | 'otp' | 'app' | 'consent' | 'refused';

/** The citizen's side of a login: who it is and what has been proven so far (docs/login-handoff.md). */
export interface LoginState {
  serial: string;
  fiscalCode: string;
  /** Set once the requested level has been proven (password, then the second factor if any). */
  proven?: { level: Level; method: LoginMethod; authTime: number };
  /** Why the login cannot go on: the card (R-CARD-3, R-CARD-4), or the citizen said no in the App (R-LOG-2). */
  refusal?: Refusal | 'app_denied';
  /** The number the SMS codes go to, as the OTP page shows it. */
  maskedPhone?: string;
  /** The holder's name as consent shows it, from the card read when the login learnt who it is. */
  holderName?: string;
}

/** What /oidc/authorize stores in a login flow: the request, what only the OP reads, and the pages' state. */
export interface LoginFlowData extends LoginRequest {
  issuer: string;
  /** Hash of the browser's binding cookie (oidc/handoff.ts). */
  browserBinding: string;
  login?: LoginState | null;
}

export const LOGIN_FLOW = defineFlow<LoginStep, LoginFlowData>({
  type: 'login',
  goneMessage: "La richiesta di accesso è scaduta, è già stata usata o è stata aperta in un altro browser. Torna al sito del servizio e ripeti l'accesso.",
  idleMs: LOGIN_IDLE_MS,
  starts: ['credentials'],
  moves: {
    // The password leads to consent (level 1), the code or the App (level 2), or a refusal; a QR
    // approval (R-LOG-3) leads from here to consent or a refusal without a password.
    credentials: ['consent', 'otp', 'app', 'refused'],
    otp: ['consent'],
    // The App approves or denies; "Autorizza tramite SMS" and "Vai al QR code" leave the push.
    app: ['consent', 'refused', 'otp', 'credentials'],
    // The card blocked while the citizen read the consent page (R-CARD-3: at once).
    consent: ['refused'],
    refused: [],
  },
  writes: { credentials: ['login'], otp: ['login'], app: ['login'], consent: ['login'], refused: [] },
  grantsFrom: ['consent'],
});

/** A move of the login and the state it writes. */
export interface LoginAdvance {
  to: LoginStep;
  login: LoginState | null;
}

/** The name a login shows its holder by (a card's names never change, so it is kept in the flow). */
export const holderNameOf = (card: { givenName: string; familyName: string }): string => `${card.givenName} ${card.familyName}`;

/** The card as the login machine needs it. */
export interface LoginCard extends CardStanding {
  fiscalCode: string;
  givenName: string;
  familyName: string;
  phone: string;
  credentials?: { mode: L2Mode } | null;
}

const identityOf = (serial: string, card: LoginCard, previous: LoginState | null = null): LoginState => ({
  ...(previous ?? {}),
  serial,
  fiscalCode: card.fiscalCode,
  holderName: holderNameOf(card),
});

/** Whether afterPassword's choice hangs on the identity having a certified device (worth a call to find out). */
export function needsDeviceCount(card: LoginCard, requested: Level, now: number): boolean {
  return requested === 2 && card.credentials?.mode === 'app' && loginRefusal(card, requested, new Date(now)) === null;
}

/**
 * R-LOG-1, R-LVL-2, R-CARD-3, R-CARD-4: after a right password. `stay` when the level cannot be
 * reached by password at all (level 3 has pages of its own).
 */
export function afterPassword(
  serial: string,
  card: LoginCard,
  requested: Level,
  certifiedDevice: boolean,
  maskPhone: (phone: string) => string,
  now: number,
): LoginAdvance | { stay: true } {
  const base = identityOf(serial, card);
  const refusal = loginRefusal(card, requested, new Date(now));
  if (refusal) return { to: 'refused', login: { ...base, refusal } };
  const second = secondFactorFor(requested, card.credentials?.mode ?? 'sms', certifiedDevice);
  if (second === 'unavailable') return { stay: true };
  if (second === 'none') return { to: 'consent', login: { ...base, proven: { ...provenBy(second), authTime: now } } };
  // R-LVL-2: a level 2 request always goes through the possession factor, in the identity's mode.
  return { to: second === 'app' ? 'app' : 'otp', login: { ...base, maskedPhone: maskPhone(card.phone) } };
}

/** R-LOG-2, R-OTP-1: a right SMS code proves level 2. */
export function afterSmsCode(login: LoginState, now: number): LoginAdvance {
  return { to: 'consent', login: { ...login, proven: { ...provenBy('sms'), authTime: now } } };
}

/** "Autorizza tramite SMS" from the App's waiting page: the same identity, now by code. */
export function toSmsFromApp(login: LoginState): LoginAdvance {
  return { to: 'otp', login };
}

/** "Vai al QR code": back to the level 2 page; the QR login stands on the device, not on the password. */
export const toQrFromApp: LoginAdvance = { to: 'credentials', login: null };

/** R-CARD-3: the card checked again at consent; blocked meanwhile → refused. */
export function atConsent(login: LoginState, card: CardStanding | null, requested: Level, now: number): LoginAdvance | null {
  const refusal = card ? loginRefusal(card, requested, new Date(now)) : 'blocked';
  return refusal ? { to: 'refused', login: { ...login, refusal } } : null;
}

/** Which step an App approval settles the login from: a push waits at `app`, a QR scan at `credentials`. */
export const APPROVAL_SETTLES_FROM: Readonly<Record<'push' | 'qr', LoginStep>> = { push: 'app', qr: 'credentials' };

/** R-LOG-2, R-LOG-3: steps at which an App approval may be opened for the login. */
export const APP_APPROVAL_STEPS: readonly LoginStep[] = ['credentials', 'app'];

/** R-LOG-3: where the QR code is shown and scanned; a renewal at `credentials` retires an earlier scan's approval. */
export const LOGIN_QR_STEPS = { at: ['credentials', 'app'], renewalRetiresScanAt: ['credentials'] } as const satisfies {
  at: readonly LoginStep[];
  renewalRetiresScanAt: readonly LoginStep[];
};

export type AppDecisionOutcome = 'approved' | 'denied' | 'refused';

/**
 * R-LOG-2, R-LOG-3, R-CARD-3: the App's decision on a login. Approve → consent, proven at level 2 by
 * the App, unless the card cannot log in (checked again here: it may have been blocked since); deny
 * → the refusal page, from which the service gets access_denied.
 */
export function afterAppDecision(
  previous: LoginState | null,
  serial: string,
  card: LoginCard,
  decision: 'approve' | 'deny',
  requested: Level,
  now: number,
): LoginAdvance & { outcome: AppDecisionOutcome; cardRefusal: Refusal | null } {
  const base = identityOf(serial, card, previous);
  if (decision === 'deny') return { to: 'refused', login: { ...base, refusal: 'app_denied' }, outcome: 'denied', cardRefusal: null };
  const refusal = loginRefusal(card, requested, new Date(now));
  if (refusal) return { to: 'refused', login: { ...base, refusal }, outcome: 'refused', cardRefusal: refusal };
  return { to: 'consent', login: { ...base, proven: { ...provenBy('app'), authTime: now } }, outcome: 'approved', cardRefusal: null };
}
