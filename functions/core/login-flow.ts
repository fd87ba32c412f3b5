import type { L2Mode } from './card';
import type { CardAuthReason } from './card-auth';
import { defineFlow } from './flows';
import { isSerial, normalizeSerial } from './serial';
import { type CardStanding, type Level, type LoginMethod, type Refusal, loginRefusal, provenBy, secondFactorFor } from './login-levels';
import { REFUSAL_MESSAGES } from './login-messages';
import type { LoginRequest } from './login-request';
import { LOGIN_IDLE_MS } from './oidc-lifetimes';

/**
 * The login as one state machine (R-LOG-1, R-LOG-2, R-LOG-3, R-LOG-4, R-LOG-5, R-LOG-6, R-LOG-7, R-LVL-2,
 * R-LVL-3): its table and every decision that moves it. The login pages, the App's push approval, its
 * QR approval and its card signature all advance it through these functions, so what a password, a
 * code, an App decision or a card leads to is said once. Handlers only apply the move a function
 * returns (platform/flows.ts checks it against the table).
 */
export type LoginStep =
  | 'credentials'
  | 'otp'
  | 'app'
  | 'consent'
  | 'refused'
  // Level 3, the card itself (docs/level3.md): the choice of the way, then one of three ways.
  | 'l3'
  | 'l3-phone'
  | 'l3-serial'
  | 'l3-qr'
  | 'l3-otp'
  | 'l3-reader';

/** The citizen's side of a login: who it is and what has been proven so far (docs/login-handoff.md). */
export interface LoginState {
  serial: string;
  fiscalCode: string;
  /** Set once the requested level has been proven (password, then the second factor if any). */
  proven?: { level: Level; method: LoginMethod; authTime: number };
  /**
   * R-ACC-2: when the password was checked, taken before the Card's hash was read; a new password,
   * revocation or activation from then on refuses the grant (core/identity-grants grantRefusal).
   */
  passwordCheckedAt?: number;
  /** Why the login cannot go on: the card (R-CARD-3, R-CARD-4), or the citizen said no in the App (R-LOG-2). */
  refusal?: Refusal | 'app_denied';
  /** The number the SMS codes go to, as the OTP page shows it. */
  maskedPhone?: string;
  /** The holder's name as consent shows it, from the card read when the login learnt who it is. */
  holderName?: string;
}

/**
 * R-LOG-5, a PC with the phone: the card's serial typed on the PC and the one deadline of this try —
 * the QR code's 300 s, within which the FASE 2 code must be typed too. Nobody is known yet: the
 * card that signs must be the one the serial names.
 */
export interface L3PcState {
  serial: string;
  deadline: number;
  /** Why the citizen is typing the serial again (the l3-serial page says so). */
  restart?: L3Restart;
}

/** R-LOG-5: "wrong or late → start again". */
export type L3Restart = 'late' | 'otp_wrong';

/** What /oidc/authorize stores in a login flow: the request, what only the OP reads, and the pages' state. */
export interface LoginFlowData extends LoginRequest {
  issuer: string;
  /** Hash of the browser's binding cookie (oidc/handoff.ts). */
  browserBinding: string;
  login?: LoginState | null;
  /** Level 3 on a PC with the phone (R-LOG-5), from the serial typed to the FASE 2 code. */
  l3?: L3PcState | null;
}

export const LOGIN_FLOW = defineFlow<LoginStep, LoginFlowData>({
  type: 'login',
  goneMessage: "La richiesta di accesso è scaduta, è già stata usata o è stata aperta in un altro browser. Torna al sito del servizio e ripeti l'accesso.",
  idleMs: LOGIN_IDLE_MS,
  // A level 3 request has no level 2 page: it starts at the choice of the way (firstLoginStep).
  starts: ['credentials', 'l3'],
  moves: {
    // The password leads to consent (level 1), the code or the App (level 2), or a refusal; a QR
    // approval (R-LOG-3) leads from here to consent or a refusal without a password; "Entra con
    // lettura carta" to level 3.
    credentials: ['consent', 'otp', 'app', 'refused', 'l3'],
    otp: ['consent'],
    // The App approves or denies; "Autorizza tramite SMS" and "Vai al QR code" leave the push.
    app: ['consent', 'refused', 'otp', 'credentials'],
    // "Prosegui con smartphone", "Prosegui con computer", and "Torna a Livello 2" for a level 2 request.
    l3: ['l3-phone', 'l3-reader', 'credentials'],
    // R-LOG-4: the App on this phone signs → consent, or the card is refused; R-LOG-5: the serial
    // typed on a PC → the QR code; "Cambia modalità" → back to the choice.
    'l3-phone': ['consent', 'refused', 'l3-qr', 'l3'],
    // Starting again (R-LOG-5): the serial once more.
    'l3-serial': ['l3-qr', 'l3'],
    // The App scanned and the card signed → FASE 2; the time ran out → start again; the card refused.
    'l3-qr': ['l3-otp', 'l3-serial', 'refused'],
    // The App's code typed in time → consent; wrong or late → start again.
    'l3-otp': ['consent', 'l3-serial'],
    // R-LOG-6: the reader's certificate → consent, or the card is refused.
    'l3-reader': ['consent', 'refused', 'l3'],
    // The card blocked while the citizen read the consent page (R-CARD-3: at once).
    consent: ['refused'],
    refused: [],
  },
  writes: {
    credentials: ['login'],
    otp: ['login'],
    app: ['login'],
    l3: ['login', 'l3'],
    'l3-phone': ['login', 'l3'],
    'l3-serial': ['login', 'l3'],
    'l3-qr': ['login', 'l3'],
    'l3-otp': ['login', 'l3'],
    'l3-reader': ['login', 'l3'],
    consent: ['login'],
    refused: [],
  },
  grantsFrom: ['consent'],
});

/** A move of the login and the state it writes (`l3` only by the level 3 moves, which own it). */
export interface LoginAdvance {
  to: LoginStep;
  login: LoginState | null;
  l3?: L3PcState | null;
}

/** The data a move writes, for the advancer (platform/flows.ts checks it against the table's `writes`). */
export const loginPatch = (advance: LoginAdvance): Pick<LoginFlowData, 'login' | 'l3'> =>
  advance.l3 === undefined ? { login: advance.login } : { login: advance.login, l3: advance.l3 };

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
  passwordCheckedAt = now,
): LoginAdvance | { stay: true } {
  const base = { ...identityOf(serial, card), passwordCheckedAt };
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

// ——— Level 3: the card itself (R-LVL-3, R-LOG-4, R-LOG-5, R-LOG-6; docs/level3.md) ———

/** R-LOG-3, R-LOG-5: the desktop level 3 QR code (and the phone's deep link) lives 300 s, and so does the try it starts. */
export const L3_QR_TTL_MS = 300_000;

/** Where a login starts: a level 3 request has no level 2 page (R-LVL-3). */
export const firstLoginStep = (requested: Level): LoginStep => (requested === 3 ? 'l3' : 'credentials');

/**
 * "Entra con lettura carta" on the level 2 page. A level 1 page does not offer it, and its flow is not
 * taken there; a level 3 flow found at `credentials` (one started before level 3 existed) is.
 */
export function toLevel3(requested: Level): LoginAdvance | null {
  return requested === 1 ? null : { to: 'l3', login: null };
}

/** "Torna a Livello 2": only a level 2 request has a level 2 page to go back to. */
export function backToLevel2(requested: Level): LoginAdvance | null {
  return requested === 2 ? { to: 'credentials', login: null, l3: null } : null;
}

/** "Prosegui con smartphone" (R-LOG-4, R-LOG-5) and "Prosegui con computer" (R-LOG-6). */
export const toL3Way = (way: 'phone' | 'reader'): LoginAdvance => ({ to: way === 'phone' ? 'l3-phone' : 'l3-reader', login: null, l3: null });

/** "Cambia modalità": back to the choice of the way; nothing of the try is kept. */
export const toL3Choice: LoginAdvance = { to: 'l3', login: null, l3: null };

/** The serial as typed ("ca 00000 aa" is the same card), or null when it cannot be a serial (R-CARD-1). */
export function typedSerial(input: string): string | null {
  const serial = normalizeSerial(input).replace(/\s+/g, '');
  return isSerial(serial) ? serial : null;
}

/** R-LOG-5: the serial is typed; the QR code and the whole try have 300 s from now. */
export function afterSerial(serial: string, now: number): LoginAdvance {
  return { to: 'l3-qr', login: null, l3: { serial, deadline: now + L3_QR_TTL_MS } };
}

/** The try's time is up: the QR code cannot be scanned any more, and its code cannot be typed. */
export const l3TimeIsUp = (l3: L3PcState | null | undefined, now: number): boolean => !l3 || now >= l3.deadline;

/** Seconds left of the try, for the countdown (0 when it is up). */
export const l3SecondsLeft = (l3: L3PcState | null | undefined, now: number): number => (l3 ? Math.max(0, Math.ceil((l3.deadline - now) / 1000)) : 0);

/** R-LOG-5: "wrong or late → start again" (or "Ricomincia"): the serial once more, the identity forgotten. */
export function restartL3(l3: L3PcState | null | undefined, why?: L3Restart): LoginAdvance {
  return { to: 'l3-serial', login: null, l3: { serial: l3?.serial ?? '', deadline: 0, ...(why ? { restart: why } : {}) } };
}

/** Where the App's card approval may be opened and settled from: the phone's deep link and the PC's QR code. */
export const CARD_APPROVAL_STEPS = ['l3-phone', 'l3-qr'] as const satisfies readonly LoginStep[];
export type CardApprovalStep = (typeof CARD_APPROVAL_STEPS)[number];

export const isCardApprovalStep = (step: LoginStep): step is CardApprovalStep => (CARD_APPROVAL_STEPS as readonly string[]).includes(step);

/**
 * Where the level 3 code (a QR on the PC, a deep link on the phone) is issued and claimed. Each
 * rendering issues a new one; nothing is renewed on demand — the try's 300 s are the limit.
 */
export const L3_QR_STEPS = { at: CARD_APPROVAL_STEPS, renewalRetiresScanAt: [] } as const satisfies {
  at: readonly LoginStep[];
  renewalRetiresScanAt: readonly LoginStep[];
};

/** The login's proof at level 3: the card's signature (App) or its certificate in the TLS handshake (reader). */
const provenByCard = (now: number): NonNullable<LoginState['proven']> => ({ level: 3, method: 'card', authTime: now });

/**
 * R-LOG-4, R-LOG-5: the card signed this login's challenge in the App (the server verified it). On the
 * phone itself the login is proven and goes to consent; on a PC the citizen must still type the
 * code the App shows (FASE 2), so the identity is known but nothing is proven yet.
 */
export function afterCardSignature(from: CardApprovalStep, serial: string, card: LoginCard, l3: L3PcState | null | undefined, now: number): LoginAdvance {
  const login = identityOf(serial, card);
  if (from === 'l3-phone') return { to: 'consent', login: { ...login, proven: provenByCard(now) }, l3: null };
  return { to: 'l3-otp', login, l3: l3 ?? null };
}

/** R-LOG-5: the App's code typed in time on the PC that showed the QR code: level 3 proven. */
export function afterCardOtp(login: LoginState, now: number): LoginAdvance {
  return { to: 'consent', login: { ...login, proven: provenByCard(now) }, l3: null };
}

/** R-LOG-6: the reader's certificate, verified: level 3 proven. */
export function afterReader(serial: string, card: LoginCard, now: number): LoginAdvance {
  return { to: 'consent', login: { ...identityOf(serial, card), proven: provenByCard(now) }, l3: null };
}

/**
 * R-CARD-3, R-CARD-4, R-CARD-7, R-PUK-3: the card cannot log in at level 3. The refusal page says why; the
 * login knows only the serial (the check stopped before the holder's data mattered).
 */
export function afterCardRefusal(serial: string, refusal: Refusal): LoginAdvance {
  return { to: 'refused', login: { serial, fiscalCode: '', refusal }, l3: null };
}

/** The method a cancellation at this step is logged with, when somebody is known (R-LOG-9). */
export function cancelMethod(step: LoginStep, login: LoginState): LoginMethod {
  if (login.proven) return login.proven.method;
  if (step.startsWith('l3')) return 'card';
  return step === 'app' ? 'app' : 'sms';
}

/**
 * The level 3 code's content, as the PC's QR code shows it and the phone's deep link carries it:
 * `CIEID-L3.<login object id>.<32 random bytes>`, the secret kept only as a hash in the flow. The
 * step the login is at when the App presents it says which way it is (phone or PC). It is not a
 * level 2 code (CIEID-QR1), so the App knows from the prefix which of its screens to open.
 */
export const L3_CODE_PREFIX = 'CIEID-L3';

const L3_CODE = new RegExp(`^${L3_CODE_PREFIX}\\.([0-9a-f]{64})\\.([A-Za-z0-9_-]{43})$`);

export const l3CodeContent = (loginObjectId: string, secret: string): string => `${L3_CODE_PREFIX}.${loginObjectId}.${secret}`;

export function parseL3Code(content: unknown): { loginObjectId: string; secret: string } | null {
  const match = typeof content === 'string' && content.length <= 200 ? L3_CODE.exec(content) : null;
  return match ? { loginObjectId: match[1]!, secret: match[2]! } : null;
}

/** R-LOG-4: the link that opens the App CieID on this phone with the login's code. */
export const l3DeepLink = (content: string): string => `cieid://autenticazione?codice=${encodeURIComponent(content)}`;

/**
 * A card approval's id, as the App posts the card's signature to it: `<login object id>.<challenge>`.
 * The approval lives in the login flow only (FlowSession's App challenge, taken once), so its id
 * says where it is; the challenge is no secret — the App signs it — and the flow takes it only if it
 * is still the one it issued.
 */
export const cardApprovalId = (loginObjectId: string, challenge: string): string => `${loginObjectId}.${challenge}`;

const CARD_APPROVAL_ID = /^([0-9a-f]{64})\.([A-Za-z0-9_-]{43})$/;

export function parseCardApprovalId(id: unknown): { loginObjectId: string; challenge: string } | null {
  const match = typeof id === 'string' ? CARD_APPROVAL_ID.exec(id) : null;
  return match ? { loginObjectId: match[1]!, challenge: match[2]! } : null;
}

/**
 * Why a card was not accepted, beyond the card's own refusals (R-CARD-3, R-CARD-4: those end the
 * login on the refusal page, in REFUSAL_MESSAGES' words): the certificate (docs/level3.md, checks 1–4,
 * 6, 7), R-LOG-5's "not the card of the serial typed", and R-LOG-6's reader that gave nothing usable.
 */
export type CardNotAccepted = Exclude<CardAuthReason, Refusal> | 'card_not_typed' | 'card_not_registered' | 'reader_none' | 'reader_unverified';

export const isLoginRefusal = (reason: string): reason is Refusal => Object.hasOwn(REFUSAL_MESSAGES, reason);

const UNRECOGNISED = "La carta non è stata riconosciuta: usa la tua Carta d'Identità Elettronica in corso di validità.";

const CARD_NOT_ACCEPTED: Readonly<Record<CardNotAccepted, string>> = {
  certificate_malformed: UNRECOGNISED,
  certificate_untrusted: UNRECOGNISED,
  card_unknown: UNRECOGNISED,
  certificate_expired: 'Il certificato della carta è scaduto: per accedere con la lettura della carta serve una carta in corso di validità.',
  level3_suspended: "L'accesso con lettura della carta (livello 3) è sospeso per questa carta: puoi riattivarlo dalla tua area personale.",
  signature_invalid: "La firma della carta non vale per questa richiesta di accesso: ripeti l'operazione dall'inizio.",
  card_not_typed: 'La carta letta non è quella del numero di serie inserito: usa la carta con quel numero di serie.',
  card_not_registered: "La carta letta non è quella registrata nell'App CieID di questo dispositivo: usa la carta registrata.",
  reader_none: 'Nessuna carta letta: appoggia la carta sul lettore, controlla che il software CieID sia attivo e premi di nuovo «Prosegui».',
  reader_unverified: UNRECOGNISED,
};

/** What the citizen is told, on the pages and in the App's answers alike. */
export function cardRefusalMessage(reason: CardNotAccepted | Refusal): string {
  return isLoginRefusal(reason) ? REFUSAL_MESSAGES[reason] : CARD_NOT_ACCEPTED[reason];
}
