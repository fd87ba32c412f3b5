import { describe, expect, it } from 'vitest';
import { EMAIL_CHANGE_FLOW, emailRefusal } from '../../../functions/core/area-email';
import { otpChannel, otpMessage, otpPurpose } from '../../../functions/core/otp-send';

describe('the personal area email change', () => {
  it('refuses an invalid address and the current one; uniqueness is left to the directory', () => {
    expect(emailRefusal(null, null)).toBe('invalid');
    expect(emailRefusal('a@b.it', 'a@b.it')).toBe('same');
    expect(emailRefusal('a@b.it', null)).toBeNull();
    expect(emailRefusal('c@b.it', 'a@b.it')).toBeNull();
  });

  it('R-OTP-1: its code goes by email, under a purpose of its own, in words that say what it is for', () => {
    expect(EMAIL_CHANGE_FLOW.type).toBe('area-email');
    expect(otpChannel(EMAIL_CHANGE_FLOW.otp)).toBe('email');
    expect(otpPurpose(EMAIL_CHANGE_FLOW.otp)).toBe('account-email');
    const text = otpMessage(EMAIL_CHANGE_FLOW.otp, '1234');
    expect(text).toContain('1234');
    expect(text).toContain('verificare questo indirizzo email');
  });
});
