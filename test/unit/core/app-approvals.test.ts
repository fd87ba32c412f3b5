import { describe, expect, it } from 'vitest';
import { APPROVAL_BURST, APPROVAL_WINDOW_MS, approvalWaitSeconds, counterAdvances } from '../../../functions/core/app-approvals';

describe('App approvals (R-LOG-2, R-APP-4)', () => {
  const now = 10 * APPROVAL_WINDOW_MS;

  it('flood: the burst is allowed, the next one waits until the oldest leaves the window', () => {
    const opened = Array.from({ length: APPROVAL_BURST - 1 }, (_, i) => now - 1000 * (i + 1));
    expect(approvalWaitSeconds(opened, now)).toBe(0);
    const full = [...opened, now - 60_000];
    expect(approvalWaitSeconds(full, now)).toBe(Math.ceil((APPROVAL_WINDOW_MS - 60_000) / 1000));
  });

  it('flood: openings older than the window do not count', () => {
    const old = Array.from({ length: 20 }, () => now - APPROVAL_WINDOW_MS);
    expect(approvalWaitSeconds(old, now)).toBe(0);
  });

  it('replay: the signature counter must increase; 0 stays allowed only for counterless authenticators', () => {
    expect(counterAdvances(4, 5)).toBe(true);
    expect(counterAdvances(5, 5)).toBe(false);
    expect(counterAdvances(5, 4)).toBe(false);
    expect(counterAdvances(0, 0)).toBe(true);
    expect(counterAdvances(3, 0)).toBe(false);
    expect(counterAdvances(0, 1)).toBe(true);
  });
});
