import { describe, expect, it } from 'vitest';
import { italianDate, italianDay, msToNextItalianMidnight } from '../../../functions/core/civil-date';
import { ageAt, expiryDate, isExpired, parseIsoDate } from '../../../functions/core/card-validity';
import { capDay } from '../../../functions/core/otp';

describe('core/civil-date: the service keeps Italian calendar days', () => {
  it('R-CARD-2: 23:30 UTC in June is already the next day in Rome (CEST, UTC+2)', () => {
    expect(italianDay(Date.parse('2026-06-14T23:30:00Z'))).toBe('2026-06-15');
    expect(italianDay(Date.parse('2026-06-14T21:59:59Z'))).toBe('2026-06-14');
  });

  it('R-CARD-2: in winter Rome is UTC+1', () => {
    expect(italianDay(Date.parse('2026-01-14T22:59:59Z'))).toBe('2026-01-14');
    expect(italianDay(Date.parse('2026-01-14T23:00:00Z'))).toBe('2026-01-15');
  });

  it('keeps dates as their UTC midnight', () => {
    expect(italianDate(Date.parse('2026-06-14T23:30:00Z')).toISOString()).toBe('2026-06-15T00:00:00.000Z');
  });

  it('R-CARD-4: a holder turns 18 at midnight in Rome, not at midnight UTC', () => {
    const birth = parseIsoDate('2008-06-15')!;
    expect(ageAt(birth, new Date('2026-06-14T21:59:00Z'))).toBe(17);
    expect(ageAt(birth, new Date('2026-06-14T22:00:00Z'))).toBe(18);
  });

  it('R-CARD-2: a card issued just after midnight in Rome is dated that day', () => {
    const birth = parseIsoDate('1980-01-01')!;
    expect(expiryDate(new Date('2026-03-31T22:30:00Z'), birth).toISOString().slice(0, 10)).toBe('2036-04-01');
  });

  it('R-CARD-2: a card is valid through its expiry date and expired the next day in Rome', () => {
    const expiresAt = Date.parse('2030-05-10T00:00:00Z');
    expect(isExpired(expiresAt, Date.parse('2030-05-10T21:00:00Z'))).toBe(false);
    expect(isExpired(expiresAt, Date.parse('2030-05-10T22:00:00Z'))).toBe(true);
  });

  it('R-OTP-3: the daily cap resets at midnight in Rome', () => {
    expect(capDay(Date.parse('2026-06-14T21:59:59Z'))).toBe('2026-06-14');
    expect(capDay(Date.parse('2026-06-14T22:00:00Z'))).toBe('2026-06-15');
    expect(msToNextItalianMidnight(Date.parse('2026-06-14T21:00:00Z'))).toBe(3600_000);
    expect(msToNextItalianMidnight(Date.parse('2026-01-14T22:30:00Z'))).toBe(1800_000);
  });
});

/** The reference: ICU asked directly, every time. */
const reference = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Rome', year: 'numeric', month: '2-digit', day: '2-digit' });

describe('core/civil-date: the offset kept per UTC hour agrees with ICU everywhere', () => {
  it('every 5 minutes around both summer time changes of 2026, and the days they are in', () => {
    for (const day of ['2026-03-28T20:00:00Z', '2026-10-24T20:00:00Z']) {
      for (let t = Date.parse(day); t < Date.parse(day) + 36 * 3600_000; t += 5 * 60_000) {
        expect(italianDay(t), new Date(t).toISOString()).toBe(reference.format(t));
      }
    }
  });

  it('at random instants from 1950 to 2080 (birth dates, expiry dates), to the millisecond', () => {
    for (let i = 0; i < 2000; i++) {
      const t = Date.parse('1950-01-01T00:00:00Z') + Math.floor(Math.random() * 130 * 365.25 * 24 * 3600_000);
      expect(italianDay(t), new Date(t).toISOString()).toBe(reference.format(t));
    }
  });

  it('R-OTP-3: the day of the change to summer time has 23 hours, the day back 25', () => {
    expect(msToNextItalianMidnight(Date.parse('2026-03-28T23:00:00Z'))).toBe(23 * 3600_000);
    expect(msToNextItalianMidnight(Date.parse('2026-10-24T22:00:00Z'))).toBe(25 * 3600_000);
    // 02:59:59.5 summer time, half a second before the clocks go back: 22 hours to midnight (23:00 UTC).
    expect(msToNextItalianMidnight(Date.parse('2026-10-25T00:59:59.500Z'))).toBe(22 * 3600_000 + 500);
  });
});
