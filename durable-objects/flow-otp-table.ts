import { OTP_MAX_WRONG, OTP_TTL_MS, resendWaitSeconds } from '../functions/core/otp';
import { fromBase64Url } from '../functions/platform/encoding';

export type OtpIssue = { issued: true } | { issued: false; waitSeconds: number };

/** `closed`: this check was the fifth wrong code; the FlowSession closes its flow on it (R-OTP-2). */
export type CodeCheck =
  /** `moved`: with a move to make on a right code (FlowSession.checkOtpThenAdvance), whether it was made. */
  | { outcome: 'ok'; purpose: string; moved?: boolean }
  | { outcome: 'wrong'; remaining: number }
  | { outcome: 'expired' }
  | { outcome: 'closed' }
  | { outcome: 'none' };

/**
 * A flow's current one-time code (R-OTP-1, R-OTP-2, R-OTP-3), inside its FlowSession: the hash only,
 * its purpose and expiry, and the wrong codes counted for the whole flow. It does not know whether
 * the flow is open — the FlowSession asks that first — and it does not close the flow itself: the
 * fifth wrong code answers `closed` and the FlowSession marks its `flow` row, in the same
 * synchronous step, so no concurrent check can slip in between.
 */
export class FlowOtpTable {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS otp (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      purpose TEXT NOT NULL, hash TEXT NOT NULL, expires_at INTEGER NOT NULL,
      wrong INTEGER NOT NULL DEFAULT 0, sent_at INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0
    )`);
  }

  /**
   * R-OTP-1, R-OTP-3: replaces the current code with a new one, unless the last of the same purpose
   * was sent less than 30 s ago. The old code stops working at once. The wrong-code count survives
   * the new code: R-OTP-2 counts per flow, and a count reset by every resend would allow unbounded
   * guessing.
   */
  issue(purpose: string, hash: string, now: number): OtpIssue {
    const last = this.sql.exec('SELECT sent_at, purpose FROM otp WHERE id = 1').toArray()[0];
    const wait = last && String(last.purpose) === purpose ? resendWaitSeconds(Number(last.sent_at), now) : 0;
    if (wait > 0) return { issued: false, waitSeconds: wait };
    this.sql.exec(
      `INSERT INTO otp (id, purpose, hash, expires_at, wrong, sent_at, used) VALUES (1, ?, ?, ?, 0, ?, 0)
       ON CONFLICT(id) DO UPDATE SET purpose = excluded.purpose, hash = excluded.hash,
         expires_at = excluded.expires_at, sent_at = excluded.sent_at, used = 0`,
      purpose,
      hash,
      now + OTP_TTL_MS,
      now,
    );
    return { issued: true };
  }

  /**
   * R-OTP-1, R-OTP-2: a code is good once, for its purpose, until it expires; an expired code counts
   * no wrong one. The comparison is constant-time, so the time taken tells nothing of how much of
   * the hash matched.
   */
  check(purpose: string, hash: string, now: number): CodeCheck {
    const otp = this.sql.exec('SELECT * FROM otp WHERE id = 1').toArray()[0];
    if (!otp || String(otp.purpose) !== purpose || Number(otp.used) === 1) return { outcome: 'none' };
    if (Number(otp.expires_at) <= now) return { outcome: 'expired' };
    const a = fromBase64Url(String(otp.hash));
    const b = fromBase64Url(hash);
    const right = a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
    if (right) {
      this.sql.exec('UPDATE otp SET used = 1 WHERE id = 1');
      return { outcome: 'ok', purpose };
    }
    const wrong = Number(this.sql.exec('UPDATE otp SET wrong = wrong + 1 WHERE id = 1 RETURNING wrong').toArray()[0]!.wrong);
    if (wrong >= OTP_MAX_WRONG) return { outcome: 'closed' };
    return { outcome: 'wrong', remaining: OTP_MAX_WRONG - wrong };
  }
}
