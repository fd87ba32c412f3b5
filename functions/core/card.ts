import type { Level, LoginMethod } from './login-levels';

/**
 * The card's domain words, shared by the Card object (durable-objects/card.ts), which stores them,
 * and by the rules in core/ that decide on them: one declaration, so a new status or mode cannot be
 * known to one side only.
 *
 * `expired` is never stored: the Card computes it from the expiry date on every read.
 */
export type CardStatus = 'issued' | 'active' | 'blocked' | 'expired' | 'puk_blocked' | 'superseded';

/**
 * R-CARD-3, R-CARD-4, R-PUK-3: the statuses in which a card is in service — it may be activated, answer its
 * PUK, be blocked and authenticate its holder. Every other status is final or waits for the Comune.
 */
export const IN_SERVICE_STATUSES = ['issued', 'active'] as const satisfies readonly CardStatus[];

export function isInService(status: string): status is (typeof IN_SERVICE_STATUSES)[number] {
  return (IN_SERVICE_STATUSES as readonly string[]).includes(status);
}

/** R-ACT-6, R-ACC-3: how level 2 logins are authorised. */
export const L2_MODES = ['app', 'sms'] as const;
export type L2Mode = (typeof L2_MODES)[number];

export function parseL2Mode(value: unknown): L2Mode | null {
  return (L2_MODES as readonly unknown[]).includes(value) ? (value as L2Mode) : null;
}

/** R-LOG-9: what became of one login attempt, as the holder's "Elenco accessi" shows it. */
export type AccessOutcome =
  | 'granted'
  | 'wrong_password'
  | 'throttled'
  | 'wrong_otp'
  | 'otp_attempts_exhausted'
  | 'card_refused'
  | 'cancelled'
  | 'app_denied'
  | 'app_refused';

/** R-LOG-9: one line of the holder's "Elenco accessi". */
export interface AccessLogEntry {
  at: number;
  /** The relying party's client_id, and its name as the citizen saw it. */
  rp: string;
  rpName: string;
  /** The level the RP asked for. */
  level: Level;
  method: LoginMethod;
  outcome: AccessOutcome;
  /** Why a card was refused (R-CARD-3, R-CARD-4), when it was. */
  reason?: string;
}
