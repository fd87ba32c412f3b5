/**
 * R-LOG-8: repeated wrong passwords slow down, then lock, the identity.
 *
 * The schedule we chose:
 * - the first FREE_FAILURES (3) wrong passwords cost nothing: people mistype;
 * - after n ≥ 3 failures the next attempt must wait 2^(n-2) s after the last failure
 *   (3 → 2 s, 4 → 4 s … 9 → 128 s), which makes scripted guessing slow without bothering a human;
 * - the 10th failure locks the identity for 30 minutes. Once the lock has passed the counter stays at
 *   10, so every further wrong password locks again at once: after the first 10 guesses an attacker gets
 *   one guess per half hour, while the citizen who remembers the password gets in (and resets it);
 * - an identity left alone for 24 hours after its last failure (and not locked) starts again from zero,
 *   so two typos in January do not add up with two in March.
 * An attempt refused by the schedule is refused whether or not the password was right — otherwise the
 * slow-down would still answer "right or wrong" at full speed — and it is not counted.
 */
export const FREE_FAILURES = 3;
export const LOCK_AFTER_FAILURES = 10;
export const LOCK_MS = 30 * 60_000;
export const FORGET_AFTER_MS = 24 * 3600_000;

export interface ThrottleState {
  failures: number;
  lastFailureAt: number;
  /** 0 when the identity has never been locked since its last reset. */
  lockedUntil: number;
}

export const NO_FAILURES: ThrottleState = { failures: 0, lastFailureAt: 0, lockedUntil: 0 };

export type AttemptDecision = { allowed: true } | { allowed: false; retryAt: number };

/** The state as it stands at `now` (old failures forgotten). */
export function currentState(state: ThrottleState, now: number): ThrottleState {
  if (state.failures === 0) return NO_FAILURES;
  const lockOver = state.lockedUntil <= now;
  if (lockOver && now - Math.max(state.lastFailureAt, state.lockedUntil) >= FORGET_AFTER_MS) return NO_FAILURES;
  return state;
}

/** Required pause after `failures` failures, before the lock takes over. */
export function slowDownMs(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return 2 ** (failures - FREE_FAILURES + 1) * 1000;
}

/** The earliest moment another attempt may be made. */
export function nextAttemptAt(state: ThrottleState): number {
  if (state.failures >= LOCK_AFTER_FAILURES) return state.lockedUntil;
  if (state.failures < FREE_FAILURES) return 0;
  return state.lastFailureAt + slowDownMs(state.failures);
}

export function decideAttempt(state: ThrottleState, now: number): AttemptDecision {
  const at = nextAttemptAt(currentState(state, now));
  return now >= at ? { allowed: true } : { allowed: false, retryAt: at };
}

/** The state after one more counted failure at `now`; the counter never exceeds the lock threshold. */
export function afterFailure(state: ThrottleState, now: number): ThrottleState {
  const failures = Math.min(currentState(state, now).failures + 1, LOCK_AFTER_FAILURES);
  return { failures, lastFailureAt: now, lockedUntil: failures >= LOCK_AFTER_FAILURES ? now + LOCK_MS : 0 };
}

export function isLocked(state: ThrottleState, now: number): boolean {
  return state.failures >= LOCK_AFTER_FAILURES && state.lockedUntil > now;
}

/** "Troppi tentativi. Riprova tra N minuti." — seconds while the wait is under a minute. */
export function throttleMessage(retryAt: number, now: number): string {
  const seconds = Math.max(1, Math.ceil((retryAt - now) / 1000));
  if (seconds < 60) return `Troppi tentativi. Riprova tra ${seconds} ${seconds === 1 ? 'secondo' : 'secondi'}.`;
  const minutes = Math.ceil(seconds / 60);
  return `Troppi tentativi. Riprova tra ${minutes} ${minutes === 1 ? 'minuto' : 'minuti'}.`;
}
