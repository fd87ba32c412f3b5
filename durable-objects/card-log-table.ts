import type { AccessLogEntry } from '../functions/core/card';
import { ACCESS_LOG_MAX_EVENTS, ACCESS_LOG_PRUNE_BATCH, ACCESS_LOG_READ_MAX, accessLogCutoff } from '../functions/core/access-log-retention';

export interface CardEvent {
  at: number;
  kind: string;
  detail: Record<string, unknown>;
}

/**
 * The holder's access log (R-LOG-9, R-CARD-3), inside the Card: what happened to the card, kept within
 * the retention of core/access-log-retention (a time and a count). No secrets go in: no codes, no
 * passwords, no hashes.
 */
export class CardLogTable {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL
    )`);
  }

  /**
   * Newest first. Reading filters by time too: a log nobody has written to for a while may still hold
   * events that the next write will prune.
   */
  recent(limit: number, now: number): CardEvent[] {
    return this.sql
      .exec(
        'SELECT at, kind, detail FROM events WHERE at >= ? ORDER BY seq DESC LIMIT ?',
        accessLogCutoff(now),
        Math.min(Math.max(1, limit), ACCESS_LOG_READ_MAX),
      )
      .toArray()
      .map((r) => ({ at: Number(r.at), kind: String(r.kind), detail: JSON.parse(String(r.detail)) as Record<string, unknown> }));
  }

  /**
   * Appends an event and keeps the log within its bounds in the same write: of the oldest few rows
   * (the first by seq, never a scan of the log), those beyond the newest ACCESS_LOG_MAX_EVENTS or past
   * the retention go. A write adds one row and may remove several, so the log never outgrows its cap.
   */
  append(kind: string, detail: Record<string, unknown>, now: number): void {
    const seq = Number(this.sql.exec('INSERT INTO events (at, kind, detail) VALUES (?, ?, ?) RETURNING seq', now, kind, JSON.stringify(detail)).one().seq);
    this.sql.exec(
      'DELETE FROM events WHERE seq IN (SELECT seq FROM events ORDER BY seq LIMIT ?) AND (seq <= ? OR at < ?)',
      ACCESS_LOG_PRUNE_BATCH,
      seq - ACCESS_LOG_MAX_EVENTS,
      accessLogCutoff(now),
    );
  }

  /** R-LOG-9: a login attempt on this identity, granted or refused. */
  access(entry: AccessLogEntry): void {
    const { at, ...detail } = entry;
    this.append('access', detail, at);
  }
}
