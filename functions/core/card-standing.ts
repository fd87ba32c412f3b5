import { type CardStatus, isInService } from './card';
import { digitalIdentityAllowed, parseIsoDate } from './card-validity';

/**
 * R-CARD-3, R-CARD-4, R-CARD-7, R-PUK-3: whether a card may be used for digital identity at all — the one rule that
 * activation and login both apply. Only a card that is issued or active, whose holder is at least
 * 5, may; every other case has its own reason so the citizen is told plainly what to do.
 */
export type CardRefusal = 'blocked' | 'expired' | 'puk_blocked' | 'superseded' | 'underage' | 'unusable';

export interface CardStanding {
  status: CardStatus;
  birthDate: string;
}

/** The refusal for a card state reported by the card itself when it declined an operation. */
export function refusalForStatus(status: CardStatus): CardRefusal {
  return status === 'blocked' || status === 'expired' || status === 'puk_blocked' || status === 'superseded' ? status : 'unusable';
}

export function cardRefusal(card: CardStanding, now: Date): CardRefusal | null {
  if (!isInService(card.status)) return refusalForStatus(card.status);
  const birth = parseIsoDate(card.birthDate);
  if (!birth) return 'unusable';
  return digitalIdentityAllowed(birth, now) ? null : 'underage';
}
