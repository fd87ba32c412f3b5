import { GRANTS_PER_CLIENT_MAX, GRANTS_PER_IDENTITY_MAX, REFRESH_NOTICE_INTERVAL_MS } from '../functions/core/identity-grants';

/** One grant issued for this identity: its FlowSession's object id, the RP, until when it may hold a live token. */
export interface ListedGrant {
  grantId: string;
  clientId: string;
  listedUntil: number;
}

/**
 * The grants issued for this identity (R-ACC-4, issue 13 §2), so that every token of every relying
 * party can be revoked from here: the tokens live in each login's FlowSession (grant-table.ts), which
 * nothing else lists. Bounded: each write first drops the rows past their time, and a row beyond
 * GRANTS_PER_CLIENT_MAX of its RP or GRANTS_PER_IDENTITY_MAX in all is handed back to the caller to
 * revoke, never silently forgotten.
 */
export class CardGrantsTable {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS grants (
      grant_id TEXT PRIMARY KEY, client_id TEXT NOT NULL, listed_until INTEGER NOT NULL, noticed_at INTEGER
    )`);
    sql.exec('CREATE INDEX IF NOT EXISTS grants_by_listed_until ON grants (listed_until)');
  }

  /**
   * Records a grant; returns the grants the bounds pushed out, for the caller to revoke: first the same
   * RP's beyond its bound, then any beyond the identity's, the soonest-ending first. The grant being
   * recorded is never among them: its login is about to get its code.
   */
  add(grant: ListedGrant, now: number): string[] {
    this.sql.exec('DELETE FROM grants WHERE listed_until <= ?', now);
    this.sql.exec(
      `INSERT INTO grants (grant_id, client_id, listed_until) VALUES (?, ?, ?)
       ON CONFLICT (grant_id) DO UPDATE SET listed_until = MAX(listed_until, excluded.listed_until)`,
      grant.grantId,
      grant.clientId,
      grant.listedUntil,
    );
    const ofClient = this.sql
      .exec(
        `DELETE FROM grants WHERE grant_id IN (
           SELECT grant_id FROM grants WHERE client_id = ? AND grant_id <> ? ORDER BY listed_until DESC, grant_id LIMIT -1 OFFSET ?
         ) RETURNING grant_id`,
        grant.clientId,
        grant.grantId,
        GRANTS_PER_CLIENT_MAX - 1,
      )
      .toArray();
    const overall = this.sql
      .exec(
        `DELETE FROM grants WHERE grant_id IN (
           SELECT grant_id FROM grants WHERE grant_id <> ? ORDER BY listed_until DESC, grant_id LIMIT -1 OFFSET ?
         ) RETURNING grant_id`,
        grant.grantId,
        GRANTS_PER_IDENTITY_MAX - 1,
      )
      .toArray();
    return [...ofClient, ...overall].map((r) => String(r.grant_id));
  }

  /**
   * A refresh keeps its grant listed for the new refresh token's life (C-37). A grant found unlisted is
   * listed again, under the same bounds as a new one (add): the grants issued before this list existed
   * and a listing whose write was lost would otherwise be out of reach of every revocation. An evicted
   * grant listed again is no resurrection: its evictor revokes it in its FlowSession, which the refresh
   * asks after this call. `notify`: whether the holder is to hear of it — the first refresh, then at
   * most once a day. Read and stamped with no await in between, so of concurrent refreshes one is told
   * to notify. `evicted`: as for add, for the caller to revoke.
   */
  keep(grant: ListedGrant, now: number): { notify: boolean; evicted: string[] } {
    const row = this.sql.exec('SELECT noticed_at FROM grants WHERE grant_id = ?', grant.grantId).toArray()[0];
    const evicted = row ? [] : this.add(grant, now);
    const notify = !row || row.noticed_at === null || now - Number(row.noticed_at) >= REFRESH_NOTICE_INTERVAL_MS;
    this.sql.exec(
      'UPDATE grants SET listed_until = MAX(listed_until, ?), noticed_at = CASE WHEN ? THEN ? ELSE noticed_at END WHERE grant_id = ?',
      grant.listedUntil,
      notify ? 1 : 0,
      now,
      grant.grantId,
    );
    return { notify, evicted };
  }

  /** Every grant that may still hold a live token. Kept after a revocation: revoking twice is harmless, missing one is not. */
  live(now: number): ListedGrant[] {
    return this.sql
      .exec('SELECT grant_id, client_id, listed_until FROM grants WHERE listed_until > ? ORDER BY listed_until', now)
      .toArray()
      .map((r) => ({ grantId: String(r.grant_id), clientId: String(r.client_id), listedUntil: Number(r.listed_until) }));
  }
}
