import { describe, expect, it } from 'vitest';
import { ACCESS_LOG_MAX_EVENTS, ACCESS_LOG_PRUNE_BATCH, ACCESS_LOG_READ_MAX, accessLogCutoff } from '../../../functions/core/access-log-retention';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('access log retention (R-LOG-9)', () => {
  it('keeps 24 calendar months: the same day and time, two years earlier', () => {
    expect(iso(accessLogCutoff(at('2026-11-22T09:30:00.000Z')))).toBe('2024-11-22T09:30:00.000Z');
    expect(iso(accessLogCutoff(at('2026-01-01T00:00:00.000Z')))).toBe('2024-01-01T00:00:00.000Z');
  });

  it('never keeps less than 24 months when the day does not exist two years earlier', () => {
    // 29 February 2028 → 2026 has no 29 February: 1 March at 00:00, after the whole of 28 February.
    expect(iso(accessLogCutoff(at('2028-02-29T12:00:00.000Z')))).toBe('2026-03-01T00:00:00.000Z');
    expect(iso(accessLogCutoff(at('2028-02-28T23:00:00.000Z')))).toBe('2026-02-28T23:00:00.000Z');
  });

  it('is monotonic: a later now never keeps an older event', () => {
    let previous = -Infinity;
    for (let t = at('2026-01-01T00:00:00Z'); t < at('2029-01-01T00:00:00Z'); t += 3600_000) {
      const cutoff = accessLogCutoff(t);
      expect(cutoff).toBeGreaterThanOrEqual(previous);
      expect(t - cutoff).toBeGreaterThanOrEqual(730 * 24 * 3600_000);
      previous = cutoff;
    }
  });

  it('looks at more rows per write than a write adds, and keeps more than one read returns', () => {
    expect(ACCESS_LOG_PRUNE_BATCH).toBeGreaterThan(1);
    expect(ACCESS_LOG_MAX_EVENTS).toBeGreaterThan(ACCESS_LOG_READ_MAX);
  });
});
