import { PASSWORD_HISTORY_DEPTH } from '../functions/core/password-history';

/**
 * R-ACC-2: the passwords this identity had before its current one, newest first, as **password
 * hashes**. With the current hash (the credentials table) they are the last PASSWORD_HISTORY_DEPTH
 * passwords a new one may not repeat, so at most PASSWORD_HISTORY_DEPTH - 1 rows are kept: each
 * insert prunes in the same synchronous step.
 */
export class CardPasswordHistoryTable {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS password_history (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, hash TEXT NOT NULL, replaced_at INTEGER NOT NULL
    )`);
  }

  /** The hash just replaced, kept; the oldest beyond the depth go in the same step. */
  push(hash: string, now: number): void {
    this.sql.exec('INSERT INTO password_history (hash, replaced_at) VALUES (?, ?)', hash, now);
    this.sql.exec('DELETE FROM password_history WHERE seq NOT IN (SELECT seq FROM password_history ORDER BY seq DESC LIMIT ?)', PASSWORD_HISTORY_DEPTH - 1);
  }

  /** Newest first. */
  hashes(): string[] {
    return this.sql
      .exec('SELECT hash FROM password_history ORDER BY seq DESC LIMIT ?', PASSWORD_HISTORY_DEPTH - 1)
      .toArray()
      .map((r) => String(r.hash));
  }
}
