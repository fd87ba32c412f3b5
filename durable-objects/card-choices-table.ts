import type { HolderChoices } from '../functions/core/identity-grants';

/**
 * The holder's own choices in the personal area (R-ACC-4): when the level 1/2 credentials were revoked,
 * and since when the card's level 3 is suspended. One row, created on first use; a card that never had
 * either reads as neither. Beside it, `credentials_changes`: when the level 1/2 credentials last
 * changed (R-ACC-2: a new password, a revocation, an activation), which no password checked before
 * it may outlive (core/identity-grants grantRefusal); a table of its own, so cards stored before it
 * need no change of `holder_choices`.
 */
export class CardChoicesTable {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS holder_choices (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      credentials_revoked_at INTEGER,
      level3_suspended_at INTEGER
    )`);
    sql.exec(`CREATE TABLE IF NOT EXISTS credentials_changes (
      id INTEGER PRIMARY KEY CHECK (id = 1), changed_at INTEGER NOT NULL
    )`);
  }

  /** The stamp only moves forward: a late call with an older clock does not let older checks through. */
  markCredentialsChanged(now: number): void {
    this.sql.exec(
      'INSERT INTO credentials_changes (id, changed_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET changed_at = MAX(changed_at, excluded.changed_at)',
      now,
    );
  }

  private changedAt(): number | null {
    const row = this.sql.exec('SELECT changed_at FROM credentials_changes WHERE id = 1').toArray()[0];
    return row ? Number(row.changed_at) : null;
  }

  private row() {
    return this.sql.exec('SELECT credentials_revoked_at, level3_suspended_at FROM holder_choices WHERE id = 1').toArray()[0] ?? null;
  }

  /**
   * `hasCredentials`: a new activation (R-ACT-9) restores the credentials, and with them the mark is
   * gone — read, not stored, so activating needs no word from this table.
   */
  read(hasCredentials: boolean): HolderChoices {
    const row = this.row();
    return {
      credentialsRevokedAt: !hasCredentials && row?.credentials_revoked_at != null ? Number(row.credentials_revoked_at) : null,
      credentialsChangedAt: this.changedAt(),
      level3Suspended: row?.level3_suspended_at != null,
    };
  }

  markCredentialsRevoked(now: number): void {
    this.sql.exec(
      `INSERT INTO holder_choices (id, credentials_revoked_at) VALUES (1, ?)
       ON CONFLICT (id) DO UPDATE SET credentials_revoked_at = excluded.credentials_revoked_at`,
      now,
    );
  }

  /** True only for the call that changed the state: a second suspension (or resume) is no event. */
  setLevel3Suspended(suspended: boolean, now: number): boolean {
    if (suspended) {
      return (
        this.sql
          .exec(
            `INSERT INTO holder_choices (id, level3_suspended_at) VALUES (1, ?)
             ON CONFLICT (id) DO UPDATE SET level3_suspended_at = excluded.level3_suspended_at WHERE level3_suspended_at IS NULL
             RETURNING id`,
            now,
          )
          .toArray().length === 1
      );
    }
    return (
      this.sql.exec('UPDATE holder_choices SET level3_suspended_at = NULL WHERE id = 1 AND level3_suspended_at IS NOT NULL RETURNING id').toArray().length === 1
    );
  }
}
