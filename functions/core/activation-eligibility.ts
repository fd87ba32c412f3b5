import { cardRefusal, type CardRefusal, type CardStanding } from './card-standing';

/** R-CARD-3, R-CARD-4, R-CARD-7 at activation: a card gets level 1/2 credentials only when it stands (core/card-standing). */
export type ActivationRefusal = CardRefusal;

export function activationRefusal(card: CardStanding, now: Date): ActivationRefusal | null {
  return cardRefusal(card, now);
}

export { refusalForStatus } from './card-standing';
