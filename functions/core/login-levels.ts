import { level3Allowed, parseIsoDate } from './card-validity';
import { cardRefusal, type CardRefusal, type CardStanding } from './card-standing';
import type { L2Mode } from './card';

/** R-LVL-1, R-LVL-2, R-LVL-3, R-LVL-4: what a login at a requested level must prove, and what a proven level satisfies. */
export type Level = 1 | 2 | 3;
export type LoginMethod = 'password' | 'sms' | 'app' | 'card';

export const LEVEL_NAMES: Readonly<Record<Level, string>> = { 1: 'BASSO', 2: 'SIGNIFICATIVO', 3: 'ELEVATO' };

/** R-LVL-4: a login at level N satisfies any request for level ≤ N, never the reverse. */
export function satisfies(proven: Level, requested: Level): boolean {
  return proven >= requested;
}

/**
 * What comes after a right password. Level 1 needs nothing more (R-LVL-1); level 2 always needs the
 * possession factor (R-LVL-2) in the identity's mode (R-ACT-6, R-LOG-2): a push to the App CieID, or
 * the SMS code. An identity in App mode with no certified device left (all revoked, or never
 * certified) gets the SMS code: a push nobody can receive would lock the citizen out. Level 3
 * (card reading) is not built yet.
 */
export type SecondFactor = 'none' | 'sms' | 'app' | 'unavailable';

export function secondFactorFor(requested: Level, mode: L2Mode, certifiedDevice: boolean): SecondFactor {
  if (requested === 1) return 'none';
  if (requested === 2) return mode === 'app' && certifiedDevice ? 'app' : 'sms';
  return 'unavailable';
}

/** The level a successful password (+ second factor) login proves, and the method the RP is told. */
export function provenBy(secondFactor: SecondFactor): { level: Level; method: LoginMethod } {
  if (secondFactor === 'sms' || secondFactor === 'app') return { level: 2, method: secondFactor };
  return { level: 1, method: 'password' };
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
