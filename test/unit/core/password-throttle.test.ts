import { describe, expect, it } from 'vitest';
import {
  FORGET_AFTER_MS,
  LOCK_AFTER_FAILURES,
  LOCK_MS,
  NO_FAILURES,
  type ThrottleState,
  afterFailure,
  decideAttempt,
  isLocked,
  slowDownMs,
  throttleMessage,
} from '../../../functions/core/password-throttle';

const T0 = Date.UTC(2026, 2, 1, 9, 0, 0);

/** Fails `n` times, each as soon as the schedule allows. */
function failFast(n: number, start = T0): { state: ThrottleState; now: number } {
  let state = NO_FAILURES;
  let now = start;
  for (let i = 0; i < n; i++) {
    const d = decideAttempt(state, now);
    if (!d.allowed) now = d.retryAt;
    state = afterFailure(state, now);
  }
  return { state, now };
}

describe('R-LOG-8 password slow-down and lock schedule', () => {
  it('lets the first three wrong passwords through without delay', () => {
    let state = NO_FAILURES;
    for (let i = 0; i < 3; i++) {
      expect(decideAttempt(state, T0)).toEqual({ allowed: true });
      state = afterFailure(state, T0);
    }
    expect(state.failures).toBe(3);
  });

  it('then requires 2^(n-2) seconds after the n-th failure', () => {
    expect([3, 4, 5, 6, 7, 8, 9].map(slowDownMs)).toEqual([2, 4, 8, 16, 32, 64, 128].map((s) => s * 1000));
    const { state, now } = failFast(5);
    expect(decideAttempt(state, now + 7_999)).toEqual({ allowed: false, retryAt: now + 8_000 });
    expect(decideAttempt(state, now + 8_000)).toEqual({ allowed: true });
  });

  it('locks for 30 minutes at the 10th failure', () => {
    const { state, now } = failFast(LOCK_AFTER_FAILURES);
    expect(state.failures).toBe(10);
    expect(isLocked(state, now)).toBe(true);
    expect(decideAttempt(state, now + LOCK_MS - 1)).toEqual({ allowed: false, retryAt: now + LOCK_MS });
    expect(decideAttempt(state, now + LOCK_MS)).toEqual({ allowed: true });
  });

  it('locks again at once after a wrong password following the lock, and never counts past 10', () => {
    const { state, now } = failFast(LOCK_AFTER_FAILURES);
    const later = now + LOCK_MS;
    const again = afterFailure(state, later);
    expect(again.failures).toBe(LOCK_AFTER_FAILURES);
    expect(isLocked(again, later)).toBe(true);
    expect(again.lockedUntil).toBe(later + LOCK_MS);
  });

  it('forgets failures a day after the last one, but never during a lock', () => {
    const { state, now } = failFast(5);
    expect(decideAttempt(state, now + FORGET_AFTER_MS).allowed).toBe(true);
    expect(afterFailure(state, now + FORGET_AFTER_MS).failures).toBe(1);
    const locked = failFast(LOCK_AFTER_FAILURES);
    expect(afterFailure(locked.state, locked.now + LOCK_MS + FORGET_AFTER_MS - 1).failures).toBe(LOCK_AFTER_FAILURES);
    expect(afterFailure(locked.state, locked.now + LOCK_MS + FORGET_AFTER_MS).failures).toBe(1);
  });

  it('says how long to wait, in Italian, in seconds or minutes', () => {
    expect(throttleMessage(T0 + 4_000, T0)).toBe('Troppi tentativi. Riprova tra 4 secondi.');
    expect(throttleMessage(T0 + 500, T0)).toBe('Troppi tentativi. Riprova tra 1 secondo.');
    expect(throttleMessage(T0 + LOCK_MS, T0)).toBe('Troppi tentativi. Riprova tra 30 minuti.');
    expect(throttleMessage(T0 + 61_000, T0)).toBe('Troppi tentativi. Riprova tra 2 minuti.');
    expect(throttleMessage(T0 + 60_000, T0)).toBe('Troppi tentativi. Riprova tra 1 minuto.');
  });
});
