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
  }

  /** The stamp only moves forward: a late call with an older clock does not revive sessions. */
  end(now: number): void {
    this.sql.exec('INSERT INTO area_sessions (id, ended_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET ended_at = MAX(ended_at, excluded.ended_at)', now);
  }

  endedAt(): number | null {
    const row = this.sql.exec('SELECT ended_at FROM area_sessions WHERE id = 1').toArray()[0];
    return row ? Number(row.ended_at) : null;
  }
}
