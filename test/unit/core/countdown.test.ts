import { describe, expect, it } from 'vitest';
import { ANNOUNCEMENTS, WARN_AT_SECONDS, countdownSpoken, countdownVisual } from '../../../functions/core/countdown';
import { QR_TTL_MS } from '../../../functions/core/app-approvals';

describe('R-LOG-3 QR code countdown texts', () => {
  it("R-LOG-3: shows the guide's minutes'seconds\" form, two-digit seconds", () => {
    expect(countdownVisual(QR_TTL_MS / 1000)).toBe(`2'00"`);
    expect(countdownVisual(119)).toBe(`1'59"`);
    expect(countdownVisual(67)).toBe(`1'07"`);
    expect(countdownVisual(17)).toBe(`0'17"`);
    expect(countdownVisual(1)).toBe(`0'01"`);
  });

  it('R-LOG-3: says the time in words for screen readers, singular and plural', () => {
    expect(countdownSpoken(120)).toBe('2 minuti e 0 secondi');
    expect(countdownSpoken(119)).toBe('1 minuto e 59 secondi');
    expect(countdownSpoken(61)).toBe('1 minuto e 1 secondo');
    expect(countdownSpoken(60)).toBe('1 minuto e 0 secondi');
    expect(countdownSpoken(30)).toBe('30 secondi');
    expect(countdownSpoken(1)).toBe('1 secondo');
  });

  it('R-LOG-3: at zero, below zero or a fraction of a second left the code is "scaduto" in both forms', () => {
    for (const s of [0, -5, 0.9]) {
      expect(countdownVisual(s)).toBe('scaduto');
      expect(countdownSpoken(s)).toBe('scaduto');
    }
    expect(countdownVisual(1.9)).toBe(`0'01"`);
  });

  it('R-LOG-3: the live region warns 30 s before the end and says how to go on at expiry', () => {
    expect(ANNOUNCEMENTS.warning).toBe(`Il codice scade tra ${WARN_AT_SECONDS} secondi`);
    expect(ANNOUNCEMENTS.warning).toBe('Il codice scade tra 30 secondi');
    expect(ANNOUNCEMENTS.expired).toBe('Codice scaduto: genera un nuovo codice');
  });
});
