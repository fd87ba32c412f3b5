import { describe, expect, it } from 'vitest';
import { cardRefusal, refusalForStatus } from '../../../functions/core/card-standing';
import { activationRefusal } from '../../../functions/core/activation-eligibility';
import { loginRefusal } from '../../../functions/core/login-levels';
import type { CardStatus } from '../../../functions/core/card';

const now = new Date('2026-06-15T10:00:00Z');
const born = (years: number) => `${2026 - years}-01-10`;

describe('core/card-standing: one rule for activation and login', () => {
  it.each<CardStatus>(['blocked', 'expired', 'puk_blocked', 'superseded'])('R-CARD-3: a %s card stands for nothing', (status) => {
    expect(cardRefusal({ status, birthDate: born(40) }, now)).toBe(status);
    expect(activationRefusal({ status, birthDate: born(40) }, now)).toBe(status);
    expect(loginRefusal({ status, birthDate: born(40) }, 2, now)).toBe(status);
  });

  it('R-CARD-4: a holder under 5 is refused by activation and login alike; at 5 both accept', () => {
    expect(cardRefusal({ status: 'issued', birthDate: born(4) }, now)).toBe('underage');
    expect(activationRefusal({ status: 'issued', birthDate: born(4) }, now)).toBe('underage');
    expect(loginRefusal({ status: 'active', birthDate: born(4) }, 1, now)).toBe('underage');
    expect(cardRefusal({ status: 'issued', birthDate: born(5) }, now)).toBeNull();
  });

  it('R-CARD-3: an unknown status or an unreadable birth date is unusable, never accepted', () => {
    // A stored status this code does not know (a newer release's, a damaged row) is read as it is.
    expect(refusalForStatus('mystery' as CardStatus)).toBe('unusable');
    expect(cardRefusal({ status: 'mystery' as CardStatus, birthDate: born(40) }, now)).toBe('unusable');
    expect(cardRefusal({ status: 'active', birthDate: 'not a date' }, now)).toBe('unusable');
  });

  it('R-CARD-4: only login adds the level-3 age limit', () => {
    expect(loginRefusal({ status: 'active', birthDate: born(17) }, 3, now)).toBe('level3_minor');
    expect(loginRefusal({ status: 'active', birthDate: born(17) }, 2, now)).toBeNull();
    expect(activationRefusal({ status: 'active', birthDate: born(17) }, now)).toBeNull();
  });
});
