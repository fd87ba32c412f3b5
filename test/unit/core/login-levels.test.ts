import { describe, expect, it } from 'vitest';
import { loginRefusal, provenBy, satisfies, secondFactorFor } from '../../../functions/core/login-levels';
import type { CardStatus } from '../../../functions/core/card';

const now = new Date(Date.UTC(2026, 5, 15));
const born = (years: number) => `${2026 - years}-01-10`;

describe('R-LVL-1, R-LVL-2, R-LVL-3, R-LVL-4 levels', () => {
  it('R-LVL-1: a level 1 request needs the password only', () => {
    expect(secondFactorFor(1, 'sms', false)).toBe('none');
    expect(secondFactorFor(1, 'app', true)).toBe('none');
    expect(provenBy('none')).toEqual({ level: 1, method: 'password' });
  });

  it("R-LVL-2 / R-LOG-2: a level 2 request always needs the second factor, in the identity's mode", () => {
    expect(secondFactorFor(2, 'sms', false)).toBe('sms');
    expect(secondFactorFor(2, 'sms', true)).toBe('sms');
    expect(secondFactorFor(2, 'app', true)).toBe('app');
    expect(provenBy('sms')).toEqual({ level: 2, method: 'sms' });
    expect(provenBy('app')).toEqual({ level: 2, method: 'app' });
  });

  it('R-LOG-2: an identity in App mode without a certified device gets the SMS code', () => {
    expect(secondFactorFor(2, 'app', false)).toBe('sms');
  });

  it('R-LVL-3: level 3 is not available yet', () => {
    expect(secondFactorFor(3, 'sms', false)).toBe('unavailable');
  });

  it('R-LVL-4: a login at level N satisfies requests up to N, never above', () => {
    expect(satisfies(2, 1)).toBe(true);
    expect(satisfies(2, 2)).toBe(true);
    expect(satisfies(1, 2)).toBe(false);
    expect(satisfies(2, 3)).toBe(false);
    expect(satisfies(3, 3)).toBe(true);
  });
});

describe('R-CARD-3, R-CARD-4 login refusals after a right password', () => {
  it('refuses blocked, expired, permanently blocked and superseded cards', () => {
    for (const status of ['blocked', 'expired', 'puk_blocked', 'superseded'] as const) {
      expect(loginRefusal({ status, birthDate: born(40) }, 2, now)).toBe(status);
    }
  });

  it('accepts issued and active cards of adults', () => {
    expect(loginRefusal({ status: 'active', birthDate: born(40) }, 2, now)).toBeNull();
    expect(loginRefusal({ status: 'issued', birthDate: born(40) }, 1, now)).toBeNull();
  });

  it('refuses holders under 5, lets minors from 5 log in at levels 1 and 2 but not 3', () => {
    expect(loginRefusal({ status: 'active', birthDate: born(4) }, 1, now)).toBe('underage');
    expect(loginRefusal({ status: 'active', birthDate: born(5) }, 2, now)).toBeNull();
    expect(loginRefusal({ status: 'active', birthDate: born(17) }, 1, now)).toBeNull();
    expect(loginRefusal({ status: 'active', birthDate: born(17) }, 3, now)).toBe('level3_minor');
    expect(loginRefusal({ status: 'active', birthDate: born(18) }, 3, now)).toBeNull();
  });

  it('R-CARD-3: refuses a card in a status it does not know, as unusable (the same rule as activation)', () => {
    expect(loginRefusal({ status: 'mystery' as CardStatus, birthDate: born(40) }, 2, now)).toBe('unusable');
  });
});
