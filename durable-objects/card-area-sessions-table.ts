/**
 * The personal area's sessions, as far as the Card knows them (issue 13 §1): only the moment every
 * session of this identity was ended (a revocation, a password recovery). The sessions themselves are
 * flows (core/area-session); each area request reads this stamp with the card and refuses a session
 * opened before it, so ending them all is one write here rather than a search for their flows.
 */
export class CardAreaSessionsTable {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS area_sessions (
      id INTEGER PRIMARY KEY CHECK (id = 1), ended_at INTEGER NOT NULL
    )`);
    // R-ACC-2: the one session an end kept (the one whose password change it was), by its hash; a
    // table of its own so that cards stored before it need no change of `area_sessions`.
    sql.exec(`CREATE TABLE IF NOT EXISTS area_session_kept (
      id INTEGER PRIMARY KEY CHECK (id = 1), session_hash TEXT NOT NULL
    )`);
  }

  /**
   * The stamp only moves forward: a late call with an older clock does not revive sessions. `keep`: the
   * one session this end spares; every end replaces it, so an end without one spares none.
   */
  end(now: number, keep: string | null): void {
    this.sql.exec('INSERT INTO area_sessions (id, ended_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET ended_at = MAX(ended_at, excluded.ended_at)', now);
    if (keep === null) this.sql.exec('DELETE FROM area_session_kept');
    else this.sql.exec('INSERT OR REPLACE INTO area_session_kept (id, session_hash) VALUES (1, ?)', keep);
  }

  endedAt(): number | null {
    const row = this.sql.exec('SELECT ended_at FROM area_sessions WHERE id = 1').toArray()[0];
    return row ? Number(row.ended_at) : null;
  }

  kept(): string | null {
    const row = this.sql.exec('SELECT session_hash FROM area_session_kept WHERE id = 1').toArray()[0];
    return row ? String(row.session_hash) : null;
  }
}
