import { describe, expect, it } from 'vitest';
import {
  type OtpSubject,
  SMS_SERVICE_NAME_MAX,
  otpChannel,
  otpHashInput,
  otpMessage,
  otpPurpose,
  otpRefusalMessage,
  otpRetryAfter,
} from '../../../functions/core/otp-send';
import { expectRetryAtItalianMidnight } from '../../../test/support/activation-state';

const SUBJECTS: OtpSubject[] = [
  { for: 'activation', channel: 'sms' },
  { for: 'activation', channel: 'email' },
  { for: 'login', serviceName: 'INPS' },
  { for: 'device-certification' },
  { for: 'mode-change' },
];

describe('core/otp-send: what every code sent says and decides (R-OTP-1, R-OTP-3)', () => {
  it('R-OTP-1: one hash layout for every flow — purpose, flow id, code (pinned: changing it voids every code in flight)', () => {
    expect(otpHashInput('activation-sms', 'F'.repeat(43), '0123')).toBe(`activation-sms:${'F'.repeat(43)}:0123`);
    expect(otpHashInput('login-sms', 'abc_-', '9999')).toBe('login-sms:abc_-:9999');
    expect(otpHashInput('app-sms', 'x', '0000')).toBe('app-sms:x:0000');
  });

  it("R-OTP-1: each subject has its purpose and channel; the App's two flows share app-sms", () => {
    expect(SUBJECTS.map(otpPurpose)).toEqual(['activation-sms', 'activation-email', 'login-sms', 'app-sms', 'app-sms']);
    expect(SUBJECTS.map(otpChannel)).toEqual(['sms', 'email', 'sms', 'sms', 'sms']);
  });

  it('R-OTP-1: every message carries the code, says how long it lasts and not to share it', () => {
    for (const subject of SUBJECTS) {
      const text = otpMessage(subject, '0427');
      expect(text).toContain(' 0427.');
      expect(text).toMatch(/Vale 5 minuti|Scade tra 5 minuti/);
      expect(text).toContain('Non comunicarlo a nessuno.');
      if (otpChannel(subject) === 'sms') expect(text.startsWith('CieID: ')).toBe(true);
    }
    expect(otpMessage({ for: 'login', serviceName: 'INPS' }, '0427')).toBe(
      'CieID: il codice per accedere a INPS è 0427. Scade tra 5 minuti. Non comunicarlo a nessuno.',
    );
  });

  it('R-OTP-1: a long service name is cut so the login SMS stays within 160 characters', () => {
    const text = otpMessage({ for: 'login', serviceName: 'S'.repeat(500) }, '0427');
    expect(text).toContain(`a ${'S'.repeat(SMS_SERVICE_NAME_MAX)} è 0427`);
    expect(text.length).toBeLessThanOrEqual(160);
  });

  it('R-OTP-3: the daily cap answers Retry-After until midnight in Italy, for every subject; a resend too soon, the seconds left', () => {
    for (const now of [Date.parse('2026-01-15T10:00:00Z'), Date.parse('2026-07-15T21:59:00Z'), Date.now()]) {
      const seconds = otpRetryAfter({ reason: 'cap' }, now);
      const rome = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      expect(rome.format(new Date(now + seconds * 1000))).toBe('00:00');
    }
    expectRetryAtItalianMidnight(String(otpRetryAfter({ reason: 'cap' }, Date.now())));
    expect(otpRetryAfter({ reason: 'wait', waitSeconds: 17 }, Date.now())).toBe(17);
  });

  it("R-OTP-3: refusals are told in each surface's words, with the seconds to wait", () => {
    const activation = SUBJECTS[0]!;
    const login = SUBJECTS[2]!;
    expect(otpRefusalMessage(activation, { reason: 'wait', waitSeconds: 12 })).toMatch(/attendi 12 secondi/);
    expect(otpRefusalMessage(login, { reason: 'wait', waitSeconds: 12 })).toBe('Attendi 12 secondi prima di chiedere un nuovo codice.');
    for (const subject of SUBJECTS) expect(otpRefusalMessage(subject, { reason: 'cap' })).toMatch(/numero massimo di codici .*Riprova domani\.$/);
  });
});
