import { describe, expect, it } from 'vitest';
import {
  OTP_DAILY_CAP,
  OTP_DIGITS,
  OTP_MAX_WRONG,
  OTP_RESEND_INTERVAL_MS,
  OTP_TTL_MS,
  capDay,
  drawOtp,
  isOtpShape,
  resendWaitSeconds,
} from '../../../functions/core/otp';
import { randomInt } from '../../../functions/platform/crypto';
import { scriptedRandomInt } from '../../../test/support/random';

describe('one-time codes (R-OTP-1, R-OTP-2, R-OTP-3)', () => {
  it('R-OTP-1: codes are 4 digits, valid 5 minutes', () => {
    expect(OTP_DIGITS).toBe(4);
    expect(OTP_TTL_MS).toBe(5 * 60 * 1000);
  });

  it('R-OTP-1: drawOtp asks for one decimal digit per position, leading zeros kept', () => {
    const rnd = scriptedRandomInt([0, 0, 7, 9]);
    expect(drawOtp(rnd)).toBe('0079');
    expect(rnd.bounds).toEqual([10, 10, 10, 10]);
  });

  it('R-OTP-1: real codes are always 4 digits and use every digit', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const code = drawOtp(randomInt);
      expect(code).toMatch(/^[0-9]{4}$/);
      for (const c of code) seen.add(c);
    }
    expect(seen.size).toBe(10);
  });

  it('R-OTP-1: only exactly 4 ASCII digits have the shape of a code', () => {
    for (const good of ['0000', '1234', '9999']) expect(isOtpShape(good)).toBe(true);
    for (const bad of ['', '123', '12345', '12a4', ' 1234', '1234 ', '١٢٣٤', '12\n34', '1234\n']) {
      expect(isOtpShape(bad), JSON.stringify(bad)).toBe(false);
    }
  });

  it('R-OTP-2: the fifth wrong code closes the flow', () => {
    expect(OTP_MAX_WRONG).toBe(5);
  });

  it('R-OTP-3: the first code may be sent at once', () => {
    expect(resendWaitSeconds(null, 1_000_000)).toBe(0);
  });

  it('R-OTP-3: a new code waits 30 s after the last, counted up to the next whole second', () => {
    const t = 1_700_000_000_000;
    expect(OTP_RESEND_INTERVAL_MS).toBe(30_000);
    expect(resendWaitSeconds(t, t)).toBe(30);
    expect(resendWaitSeconds(t, t + 1)).toBe(30);
    expect(resendWaitSeconds(t, t + 1_000)).toBe(29);
    expect(resendWaitSeconds(t, t + 29_001)).toBe(1);
    expect(resendWaitSeconds(t, t + 29_999)).toBe(1);
    expect(resendWaitSeconds(t, t + 30_000)).toBe(0);
    expect(resendWaitSeconds(t, t + 3_600_000)).toBe(0);
  });

  it('R-OTP-3: the daily cap counts per Italian calendar day', () => {
    expect(OTP_DAILY_CAP).toBe(10);
    expect(capDay(Date.UTC(2026, 2, 1, 0, 0, 0, 0))).toBe('2026-03-01');
    expect(capDay(Date.UTC(2026, 2, 1, 22, 59, 59, 999))).toBe('2026-03-01'); // 23:59:59 in Rome
    expect(capDay(Date.UTC(2026, 2, 1, 23, 0, 0, 0))).toBe('2026-03-02'); // midnight in Rome
    expect(capDay(Date.UTC(2028, 1, 29, 12))).toBe('2028-02-29');
  });
});
