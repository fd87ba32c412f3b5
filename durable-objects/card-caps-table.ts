import { OTP_DAILY_CAP, OTP_DAILY_CHECK_CAP, capDay } from '../functions/core/otp';

export type SendAllowance = { allowed: true } | { allowed: false };

/**
 * The identity's daily caps, inside its Card: codes sent (`sends`, R-OTP-3) and codes checked
 * (`otp_checks`, R-OTP-2 across flows), one row per Italian day (core/otp.capDay), only the current
 * day's kept. Each count is taken with its cap in the statement's WHERE clause, with no await in
 * between, so concurrent requests can never pass a cap.
 */
export class CardCapsTable {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS sends (day TEXT PRIMARY KEY, count INTEGER NOT NULL)`);
    sql.exec(`CREATE TABLE IF NOT EXISTS otp_checks (day TEXT PRIMARY KEY, count INTEGER NOT NULL)`);
  }

  /** One more today in a daily counter, unless it is at its cap — counted and enforced in one statement. */
  private countToday(table: 'sends' | 'otp_checks', cap: number, now: number): SendAllowance {
    const day = capDay(now);
    this.sql.exec(`DELETE FROM ${table} WHERE day <> ?`, day);
    const row = this.sql
      .exec(
        `INSERT INTO ${table} (day, count) VALUES (?, 1)
         ON CONFLICT(day) DO UPDATE SET count = count + 1 WHERE count < ?
         RETURNING count`,
        day,
        cap,
      )
      .toArray()[0];
    return row ? { allowed: true } : { allowed: false };
  }

  /** R-OTP-3: the daily cap of codes sent to this identity. */
  countSend(now: number): SendAllowance {
    return this.countToday('sends', OTP_DAILY_CAP, now);
  }

  /**
   * R-OTP-2 across flows: codes checked for this identity today. Five wrong codes close a flow, but a
   * new flow (and a new code) is one password away; this bounds the guesses a day per identity.
   */
  countOtpCheck(now: number): SendAllowance {
    return this.countToday('otp_checks', OTP_DAILY_CHECK_CAP, now);
  }

  /**
   * Gives back a check counted at `countedAt` that reached no open flow (platform/otp): it compared
   * no code, so it is no guess. Only that day's count goes down — past midnight there is nothing to
   * give back — and never below zero.
   */
  uncountOtpCheck(countedAt: number): void {
    this.sql.exec('UPDATE otp_checks SET count = count - 1 WHERE day = ? AND count > 0', capDay(countedAt));
  }
}
