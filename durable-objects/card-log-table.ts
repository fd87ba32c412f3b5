import type { AccessLogEntry } from '../functions/core/card';
import { ACCESS_LOG_MAX_EVENTS, ACCESS_LOG_PRUNE_BATCH, ACCESS_LOG_READ_MAX, accessLogCutoff } from '../functions/core/access-log-retention';
import { SERVICE_CHOICES_MAX, type LogSelection } from '../functions/core/access-log-view';

export interface CardEvent {
  at: number;
  kind: string;
  detail: Record<string, unknown>;
}

/** An event with its place in the log: `seq` is the keyset cursor of "Elenco accessi"'s pages. */
export interface LoggedEvent extends CardEvent {
  seq: number;
}

/** A service the holder logged in to (or tried), by client_id, with the name it last had. */
export interface LoggedService {
  rp: string;
  name: string;
}

/** A field of an event's detail in SQL; a detail that is not JSON (never written so, but never trusted) has none. */
const field = (name: 'rp' | 'rpName' | 'outcome') => `(CASE WHEN json_valid(detail) THEN json_extract(detail, '$.${name}') END)`;

const parseDetail = (text: unknown): Record<string, unknown> => {
  try {
    const value = JSON.parse(String(text)) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

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

  /**
   * R-ACC-5, R-LOG-9: one page of "Elenco accessi", newest first, keyset by `seq` (`before`), filtered in
   * SQL by service (the access line's `rp`) and outcome: at most `limit` rows leave the object,
   * whatever the log holds. Within the retention, like recent().
   */
  select(selection: LogSelection, limit: number, now: number): LoggedEvent[] {
    const where = ['at >= ?'];
    const params: SqlStorageValue[] = [accessLogCutoff(now)];
    if (selection.before !== null) {
      where.push('seq < ?');
      params.push(selection.before);
    }
    if (selection.accessOnly) where.push("kind = 'access'");
    if (selection.rp !== null) {
      where.push(`${field('rp')} = ?`);
      params.push(selection.rp);
    }
    if (selection.outcomes) {
      const marks = selection.outcomes.values.map(() => '?').join(', ');
      // A line with no outcome at all is "not granted": IFNULL keeps it on the refused side of NOT IN.
      where.push(`IFNULL(${field('outcome')}, '') ${selection.outcomes.exclude ? 'NOT IN' : 'IN'} (${marks})`);
      params.push(...selection.outcomes.values);
    }
    return this.sql
      .exec(
        `SELECT seq, at, kind, detail FROM events WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`,
        ...params,
        Math.min(Math.max(1, limit), ACCESS_LOG_MAX_EVENTS),
      )
      .toArray()
      .map((r) => ({ seq: Number(r.seq), at: Number(r.at), kind: String(r.kind), detail: parseDetail(r.detail) }));
  }

  /** The services of the log's access lines, most recently used first, each with its newest name. */
  services(now: number): LoggedService[] {
    return this.sql
      .exec(
        `SELECT ${field('rp')} AS rp, ${field('rpName')} AS name, MAX(seq) AS last FROM events
         WHERE kind = 'access' AND at >= ? AND IFNULL(${field('rp')}, '') <> '' GROUP BY 1 ORDER BY last DESC LIMIT ?`,
        accessLogCutoff(now),
        SERVICE_CHOICES_MAX,
      )
      .toArray()
      .map((r) => ({ rp: String(r.rp), name: typeof r.name === 'string' && r.name ? r.name : String(r.rp) }));
  }

  /** R-LOG-9: a login attempt on this identity, granted or refused. */
  access(entry: AccessLogEntry): void {
    const { at, ...detail } = entry;
    this.append('access', detail, at);
  }
}
