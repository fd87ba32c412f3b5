import { capDay } from '../functions/core/otp';

/**
 * The daily counts a real identity keeps on its Card (codes checked, R-OTP-2; the App's PUK requests,
 * R-PUK-2), kept for a name nobody holds in the directory shard that holds its R-LOG-8 counter, under
 * the same keyed hash: a decoy recovery then reaches the same caps after the same number of tries and
 * cannot be told from a real one by never being capped. One row per key and counter, for the current
 * Italian day only; each count is taken with its cap in the statement's WHERE clause, with no await
 * in between, so concurrent requests cannot pass a cap.
 */
export type UnknownDailyCounter = 'otp-check' | 'puk-start';

/**
 * Every count clears the other days' rows: written as two ranges, not `day <> ?`, so that SQLite
 * searches the index on day instead of scanning a table that holds one row per name tried today.
 */
export const CLEAR_OTHER_DAYS = 'DELETE FROM unknown_daily_counts WHERE day < ? OR day > ?';

export class UnknownDailyCountsTable {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS unknown_daily_counts (
      key TEXT NOT NULL, counter TEXT NOT NULL, day TEXT NOT NULL, count INTEGER NOT NULL,
      PRIMARY KEY (key, counter)
    )`);
    sql.exec('CREATE INDEX IF NOT EXISTS unknown_daily_counts_day ON unknown_daily_counts (day)');
  }

  /** One more today under `key`, unless it is at `cap`: true when counted. Rows of other days go first. */
  count(key: string, counter: UnknownDailyCounter, cap: number, now: number): boolean {
    const day = capDay(now);
    this.sql.exec(CLEAR_OTHER_DAYS, day, day);
    const row = this.sql
      .exec(
        `INSERT INTO unknown_daily_counts (key, counter, day, count) VALUES (?, ?, ?, 1)
         ON CONFLICT(key, counter) DO UPDATE SET count = count + 1 WHERE count < ?
         RETURNING count`,
        key,
        counter,
        day,
        cap,
      )
      .toArray()[0];
    return row !== undefined;
  }

  /** Gives back one counted on `countedAt`'s day (a check that reached no open flow); never below zero. */
  giveBack(key: string, counter: UnknownDailyCounter, countedAt: number): void {
    this.sql.exec('UPDATE unknown_daily_counts SET count = count - 1 WHERE key = ? AND counter = ? AND day = ? AND count > 0', key, counter, capDay(countedAt));
  }
}
