/**
 * Single-use identifiers with a lifetime (a request object's nonce, a client assertion's jti): a key
 * can be inserted once until it expires, then it is as if it never was. Kept apart from `entries`
 * so that the permanent bindings there never expire by accident. Expired rows are ignored at once
 * and deleted by the shard's alarm.
 */
export class ExpiringKeysTable {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS expiring_keys (
      key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER NOT NULL
    )`);
    sql.exec('CREATE INDEX IF NOT EXISTS expiring_keys_by_expiry ON expiring_keys (expires_at)');
  }

  /** True when this call took the key: it was absent or had expired. One statement, so no race. */
  insertNew(key: string, value: string, expiresAt: number, now: number): boolean {
    return (
      this.sql
        .exec(
          `INSERT INTO expiring_keys (key, value, expires_at) VALUES (?, ?, ?)
           ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
             WHERE expiring_keys.expires_at <= ?
           RETURNING key`,
          key,
          value,
          expiresAt,
          now,
        )
        .toArray().length === 1
    );
  }

  purge(now: number): void {
    this.sql.exec('DELETE FROM expiring_keys WHERE expires_at <= ?', now);
  }

  /** When the next key expires, or null when none is left. */
  nextExpiry(): number | null {
    const row = this.sql.exec('SELECT MIN(expires_at) AS next FROM expiring_keys').toArray()[0];
    return row && row.next !== null ? Number(row.next) : null;
  }
}
