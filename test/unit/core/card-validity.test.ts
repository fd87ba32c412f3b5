import { describe, expect, it } from 'vitest';
import {
  MIN_AGE_DIGITAL_IDENTITY,
  MIN_AGE_LEVEL_3,
  ageAt,
  digitalIdentityAllowed,
  expiryDate,
  level3Allowed,
  parseIsoDate,
  validityYears,
} from '../../../functions/core/card-validity';

const d = (iso: string) => {
  const date = parseIsoDate(iso);
  if (!date) throw new Error(`bad test date ${iso}`);
  return date;
};
const iso = (date: Date) => date.toISOString().slice(0, 10);

describe('card validity by age (R-CARD-2)', () => {
  it('R-CARD-2: age 0 → 3 years', () => expect(validityYears(0)).toBe(3));
  it('R-CARD-2: age 2 → 3 years', () => expect(validityYears(2)).toBe(3));
  it('R-CARD-2: age 3 → 5 years', () => expect(validityYears(3)).toBe(5));
  it('R-CARD-2: age 17 → 5 years', () => expect(validityYears(17)).toBe(5));
  it('R-CARD-2: age 18 → 10 years', () => expect(validityYears(18)).toBe(10));
  it('R-CARD-2: age 40 → 10 years', () => expect(validityYears(40)).toBe(10));

  it('R-CARD-2: a birthday counts from its own day', () => {
    const birth = d('2008-06-15');
    expect(ageAt(birth, d('2026-06-14'))).toBe(17);
    expect(ageAt(birth, d('2026-06-15'))).toBe(18);
    // Ages follow the Italian calendar: 21:59:59 UTC on the 14th is 23:59:59 in Rome (CEST).
    expect(ageAt(birth, new Date(Date.UTC(2026, 5, 14, 21, 59, 59)))).toBe(17);
    expect(ageAt(birth, new Date(Date.UTC(2026, 5, 14, 22, 0, 0)))).toBe(18);
    expect(ageAt(birth, d('2008-06-15'))).toBe(0);
  });

  it('R-CARD-2: issued the day before the 3rd birthday → 3 years; on the birthday → 5 years', () => {
    const birth = d('2023-05-10');
    expect(iso(expiryDate(d('2026-05-09'), birth))).toBe('2029-05-09');
    expect(iso(expiryDate(d('2026-05-10'), birth))).toBe('2031-05-10');
  });

  it('R-CARD-2: issued the day before the 18th birthday → 5 years; on the birthday → 10 years', () => {
    const birth = d('2008-05-10');
    expect(iso(expiryDate(d('2026-05-09'), birth))).toBe('2031-05-09');
    expect(iso(expiryDate(d('2026-05-10'), birth))).toBe('2036-05-10');
  });

  it('R-CARD-2: a newborn card and an adult card', () => {
    expect(iso(expiryDate(d('2026-01-20'), d('2026-01-19')))).toBe('2029-01-20');
    expect(iso(expiryDate(d('2026-01-20'), d('1986-01-19')))).toBe('2036-01-20');
  });

  it('R-CARD-2: the expiry is a calendar day, whatever the time of issue', () => {
    const issued = new Date(Date.UTC(2026, 4, 10, 21, 59, 59, 999)); // 23:59:59 in Rome
    expect(expiryDate(issued, d('1980-01-01')).toISOString()).toBe('2036-05-10T00:00:00.000Z');
  });

  it('R-CARD-2: a card issued on 29 February expires on 28 February', () => {
    expect(iso(expiryDate(d('2028-02-29'), d('1990-01-01')))).toBe('2038-02-28'); // 10 years
    expect(iso(expiryDate(d('2028-02-29'), d('2018-01-01')))).toBe('2033-02-28'); // 5 years
    expect(iso(expiryDate(d('2028-02-29'), d('2026-01-01')))).toBe('2031-02-28'); // 3 years
  });

  it('R-CARD-2: other month ends keep their day', () => {
    expect(iso(expiryDate(d('2026-01-31'), d('1990-01-01')))).toBe('2036-01-31');
    expect(iso(expiryDate(d('2026-12-31'), d('2020-01-01')))).toBe('2031-12-31');
    expect(iso(expiryDate(d('2028-02-28'), d('1990-01-01')))).toBe('2038-02-28');
  });

  it('R-CARD-2: someone born on 29 February comes of age on 1 March in a common year', () => {
    const birth = d('2008-02-29');
    expect(ageAt(birth, d('2026-02-28'))).toBe(17);
    expect(ageAt(birth, d('2026-03-01'))).toBe(18);
    expect(iso(expiryDate(d('2026-02-28'), birth))).toBe('2031-02-28');
    expect(iso(expiryDate(d('2026-03-01'), birth))).toBe('2036-03-01');
  });
});

describe('minors (R-CARD-4)', () => {
  it('R-CARD-4: the thresholds are 5 for digital identity and 18 for level 3', () => {
    expect(MIN_AGE_DIGITAL_IDENTITY).toBe(5);
    expect(MIN_AGE_LEVEL_3).toBe(18);
  });

  it('R-CARD-4: no digital identity at 4, from the 5th birthday on it is allowed', () => {
    const birth = d('2021-09-01');
    expect(digitalIdentityAllowed(birth, d('2025-09-01'))).toBe(false); // 4
    expect(digitalIdentityAllowed(birth, d('2026-08-31'))).toBe(false); // 4, the day before
    expect(digitalIdentityAllowed(birth, d('2026-09-01'))).toBe(true); // 5
    expect(digitalIdentityAllowed(birth, d('2030-01-01'))).toBe(true);
  });

  it('R-CARD-4: level 3 refused at 17, allowed from the 18th birthday', () => {
    const birth = d('2008-09-01');
    expect(level3Allowed(birth, d('2026-08-31'))).toBe(false); // 17
    expect(level3Allowed(birth, d('2026-09-01'))).toBe(true); // 18
    expect(level3Allowed(birth, d('2066-09-01'))).toBe(true);
  });

  it('R-CARD-4: between 5 and 18, digital identity yes, level 3 no', () => {
    const birth = d('2014-03-03');
    const at = d('2026-03-03'); // 12
    expect(digitalIdentityAllowed(birth, at)).toBe(true);
    expect(level3Allowed(birth, at)).toBe(false);
  });
});

describe('ISO dates (R-CARD-2 input)', () => {
  it('R-CARD-2: a strict calendar date parses as UTC midnight', () => {
    expect(parseIsoDate('1985-06-15')?.toISOString()).toBe('1985-06-15T00:00:00.000Z');
    expect(parseIsoDate('2024-02-29')?.toISOString()).toBe('2024-02-29T00:00:00.000Z');
  });

  it('R-CARD-2: impossible dates and other formats are refused', () => {
    for (const bad of [
      '2023-02-29',
      '1900-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024-04-31',
      '2024-01-00',
      '2024-1-01',
      '24-01-01',
      ' 2024-01-01',
      '2024-01-01T00:00:00Z',
      '15/06/1985',
      '',
      '0050-01-01',
    ]) {
      expect(parseIsoDate(bad), bad).toBeNull();
    }
  });
});
