import {
  type AttemptDecision,
  type ThrottleState,
  NO_FAILURES,
  FORGET_AFTER_MS,
  LOCK_MS,
  afterFailure,
  currentState,
  decideAttempt,
  isLocked,
} from '../functions/core/password-throttle';

/**
 * R-LOG-8's counter, as rows of a SQLite table inside a Durable Object: the Card keeps one row for its
 * identity, a directory shard one row per unknown username. Each decision reads the row and commits
 * with one conditional statement whose WHERE clause repeats the state it was decided on, with no
 * await in between, so concurrent attempts on one key are serialised by the object and can never
 * count more failures than the schedule (core/password-throttle) allows.
 */
export type FailureRecord = { recorded: true; locked: boolean; state: ThrottleState } | { recorded: false; retryAt: number };

export type SuccessRecord = { ok: true } | { ok: false; retryAt: number };

export class PasswordThrottleTable {
  constructor(
    private readonly sql: SqlStorage,
    private readonly table: string,
  ) {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS ${table} (
      key TEXT PRIMARY KEY,
      failures INTEGER NOT NULL,
      last_failure_at INTEGER NOT NULL,
      locked_until INTEGER NOT NULL
    )`);
    this.sql.exec(`CREATE INDEX IF NOT EXISTS ${table}_by_last ON ${table} (last_failure_at)`);
  }

  /** The stored row, as stored (old failures not yet forgotten). */
  stored(key: string): ThrottleState {
    const row = this.sql.exec(`SELECT failures, last_failure_at, locked_until FROM ${this.table} WHERE key = ?`, key).toArray()[0];
    if (!row) return NO_FAILURES;
    return { failures: Number(row.failures), lastFailureAt: Number(row.last_failure_at), lockedUntil: Number(row.locked_until) };
  }

  state(key: string, now: number): ThrottleState {
    return currentState(this.stored(key), now);
  }

  gate(key: string, now: number): AttemptDecision {
    return decideAttempt(this.stored(key), now);
  }

  /** Counts a wrong password made at `now`, unless the schedule refuses the attempt itself. */
  recordFailure(key: string, now: number): FailureRecord {
    const seen = this.stored(key);
    const decision = decideAttempt(seen, now);
    if (!decision.allowed) return { recorded: false, retryAt: decision.retryAt };
    const next = afterFailure(seen, now);
    const written = this.sql
      .exec(
        `INSERT INTO ${this.table} (key, failures, last_failure_at, locked_until) VALUES (?, ?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET
           failures = excluded.failures, last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until
         WHERE failures = ? AND last_failure_at = ? AND locked_until = ?
         RETURNING failures`,
        key,
        next.failures,
        next.lastFailureAt,
        next.lockedUntil,
        seen.failures,
        seen.lastFailureAt,
        seen.lockedUntil,
      )
      .toArray();
    if (written.length === 0) return { recorded: false, retryAt: now };
    return { recorded: true, locked: isLocked(next, now), state: next };
  }

  /** A right password resets the counter — unless the schedule refuses the attempt, right or not. */
  recordSuccess(key: string, now: number): SuccessRecord {
    const seen = this.stored(key);
    const decision = decideAttempt(seen, now);
    if (!decision.allowed) return { ok: false, retryAt: decision.retryAt };
    this.sql.exec(
      `DELETE FROM ${this.table} WHERE key = ? AND failures = ? AND last_failure_at = ? AND locked_until = ?`,
      key,
      seen.failures,
      seen.lastFailureAt,
      seen.lockedUntil,
    );
    return { ok: true };
  }

  /**
   * Drops rows the schedule has forgotten anyway. A lock ends LOCK_MS after the failure that set it,
   * so a row whose last failure is older than FORGET_AFTER_MS + LOCK_MS is forgotten for sure.
   */
  prune(now: number): void {
    this.sql.exec(`DELETE FROM ${this.table} WHERE last_failure_at < ?`, now - FORGET_AFTER_MS - LOCK_MS);
  }
}
