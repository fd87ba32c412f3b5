import { describe, expect, it } from 'vitest';
import { type CardStatus, isInService, parseL2Mode } from '../../../functions/core/card';

const ALL: Record<CardStatus, boolean> = {
  issued: true,
  active: true,
  blocked: false,
  expired: false,
  puk_blocked: false,
  superseded: false,
};

describe('core/card: the card statuses and modes every layer shares', () => {
  it.each(Object.entries(ALL))('R-CARD-3, R-PUK-3, R-CARD-7: a card %s is in service: %s', (status, inService) => {
    expect(isInService(status)).toBe(inService);
  });

  it('R-CARD-3: an unknown or differently spelled status is never in service', () => {
    for (const status of ['', 'ACTIVE', 'Issued', 'active ', 'mystery']) expect(isInService(status)).toBe(false);
  });

  it('R-ACT-6, R-ACC-3: only "app" and "sms" are level 2 modes', () => {
    expect(parseL2Mode('app')).toBe('app');
    expect(parseL2Mode('sms')).toBe('sms');
    for (const value of [undefined, null, '', 'SMS', 'push', 1, ['sms']]) expect(parseL2Mode(value)).toBeNull();
  });
});
