import { describe, expect, it } from 'vitest';
import { type Notice, noticeText, romeTime } from '../../../functions/core/notices';

// One of each kind: a kind added to Notice without a case fails the type check of noticeText, and
// a case that forgets how to react fails here.
const EVERY_NOTICE: Record<Notice['kind'], Notice> = {
  password_changed: { kind: 'password_changed' },
  password_recovered: { kind: 'password_recovered' },
  mode_changed: { kind: 'mode_changed', mode: 'sms' },
  email_changed: { kind: 'email_changed', email: 'nuova@example.it' },
  device_added: { kind: 'device_added', name: 'Telefono di Mario' },
  device_revoked: { kind: 'device_revoked', name: 'Telefono di Mario' },
  credentials_revoked: { kind: 'credentials_revoked' },
  level3_suspended: { kind: 'level3_suspended' },
  level3_resumed: { kind: 'level3_resumed' },
  puk_recovery_requested: { kind: 'puk_recovery_requested', releaseAt: Date.UTC(2026, 6, 1, 10, 30) },
  puk_recovery_released: { kind: 'puk_recovery_released', link: 'https://cieid.example.it/recupero-puk/visualizza/abc' },
  refresh_token_used: { kind: 'refresh_token_used', rpName: 'INPS' },
};

describe('security notices (issue 13 §7)', () => {
  it.each(Object.values(EVERY_NOTICE))('$kind: says it comes from CieID and how to react', (notice) => {
    const text = noticeText(notice);
    expect(text).toMatch(/^CieID: /);
    if (notice.kind !== 'puk_recovery_released') expect(text).toMatch(/Se non sei stato tu|Se non lo riconosci/);
    // An SMS: short enough for two segments, and never a code of any kind.
    expect(text.length).toBeLessThanOrEqual(300);
    expect(text.replace(/\d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}/g, '')).not.toMatch(/\d{4}/);
  });

  it('names what changed: the mode, the device, the service, the new address', () => {
    expect(noticeText({ kind: 'mode_changed', mode: 'app' })).toContain("con l'App CieID");
    expect(noticeText({ kind: 'mode_changed', mode: 'sms' })).toContain('via SMS');
    expect(noticeText(EVERY_NOTICE.device_revoked)).toContain('"Telefono di Mario"');
    expect(noticeText(EVERY_NOTICE.refresh_token_used)).toContain('INPS');
    expect(noticeText(EVERY_NOTICE.email_changed)).toContain('nuova@example.it');
    expect(noticeText(EVERY_NOTICE.puk_recovery_released)).toContain('https://cieid.example.it/recupero-puk/visualizza/abc');
  });

  it('R-PUK-2: the release time is told in Rome, summer and winter', () => {
    expect(romeTime(Date.UTC(2026, 6, 1, 10, 30))).toBe('01/07/2026, 12:30');
    expect(romeTime(Date.UTC(2026, 11, 1, 23, 5))).toBe('02/12/2026, 00:05');
    expect(noticeText(EVERY_NOTICE.puk_recovery_requested)).toContain('dal 01/07/2026, 12:30');
  });
});
