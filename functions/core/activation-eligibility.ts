import { digitalIdentityAllowed, parseIsoDate } from './card-validity';

/**
 * R-CARD-3/4/7 at activation: which cards may get level 1/2 credentials. Only a card that is issued
 * or already active, and whose holder is at least 5, may; every other case has its own reason so the
 * citizen is told plainly what to do.
 */
export type ActivationRefusal = 'blocked' | 'expired' | 'puk_blocked' | 'superseded' | 'too_young' | 'unusable';

export function activationRefusal(card: { status: string; birthDate: string }, now: Date): ActivationRefusal | null {
  switch (card.status) {
    case 'issued':
    case 'active':
      break;
    case 'blocked':
    case 'expired':
    case 'puk_blocked':
    case 'superseded':
      return card.status;
    default:
      return 'unusable';
  }
  const birth = parseIsoDate(card.birthDate);
  if (!birth) return 'unusable';
  return digitalIdentityAllowed(birth, now) ? null : 'too_young';
}

/** The refusal for a card state reported by the card itself when it declined an operation. */
export function refusalForStatus(status: string): ActivationRefusal {
  return status === 'blocked' || status === 'expired' || status === 'puk_blocked' || status === 'superseded' ? status : 'unusable';
}
