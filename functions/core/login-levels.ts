import { level3Allowed, parseIsoDate } from './card-validity';
import { cardRefusal, type CardRefusal, type CardStanding } from './card-standing';

/** R-LVL-1…4: what a login at a requested level must prove, and what a proven level satisfies. */
export type Level = 1 | 2 | 3;
export type LoginMethod = 'password' | 'sms' | 'app' | 'card';

export const LEVEL_NAMES: Readonly<Record<Level, string>> = { 1: 'BASSO', 2: 'SIGNIFICATIVO', 3: 'ELEVATO' };

/** R-LVL-4: a login at level N satisfies any request for level ≤ N, never the reverse. */
export function satisfies(proven: Level, requested: Level): boolean {
  return proven >= requested;
}

/**
 * What comes after a right password. Level 1 needs nothing more (R-LVL-1); level 2 always needs the
 * possession factor (R-LVL-2) — the App branch (R-LOG-2) is not built yet, so an identity in App mode
 * gets the SMS OTP for now; level 3 (card reading) is not built yet either.
 */
export type SecondFactor = 'none' | 'sms' | 'unavailable';

export function secondFactorFor(requested: Level, _mode: 'app' | 'sms'): SecondFactor {
  if (requested === 1) return 'none';
  if (requested === 2) return 'sms';
  return 'unavailable';
}

/** The level a successful password (+ second factor) login proves, and the method the RP is told. */
export function provenBy(secondFactor: SecondFactor): { level: Level; method: LoginMethod } {
  return secondFactor === 'sms' ? { level: 2, method: 'sms' } : { level: 1, method: 'password' };
}

/** Why a card whose password was right still cannot log in (R-CARD-3, R-CARD-4, R-CARD-7). */
export type Refusal = CardRefusal | 'level3_minor';

export type { CardStanding };

export function loginRefusal(card: CardStanding, requested: Level, now: Date): Refusal | null {
  const refusal = cardRefusal(card, now);
  if (refusal) return refusal;
  if (requested === 3 && !level3Allowed(parseIsoDate(card.birthDate)!, now)) return 'level3_minor';
  return null;
}
