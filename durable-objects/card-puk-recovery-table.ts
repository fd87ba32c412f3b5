import { PUK_LINK_TTL_MS, type PukRequest, type PukRequestAnswer, noticeRetryAt, pukRequestState, releaseAtFor } from '../functions/core/puk-recovery';
import { capDay } from '../functions/core/otp';
import { fromBase64Url } from '../functions/platform/encoding';

/**
 * R-PUK-2 inside the Card: the card's one PUK request (core/puk-recovery), its 48 hours, the link that
 * announces it (only the hash of its secret) and the one view it allows. `released_at` and
 * `announced_at` are set only once the provider took the notice: until then the link opens nothing,
 * and a failed send is tried again at `notice_retry_at` with a new link. `origin` is where the request
 * was made, the site the link leads back to (an alarm has no request to read it from). The App's
 * requests a day are counted in `puk_recovery_starts` (one row, the current Italian day).
 */
export class CardPukRecoveryTable {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS puk_recovery (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      requested_at INTEGER NOT NULL,
      release_at INTEGER NOT NULL,
      origin TEXT NOT NULL,
      released_at INTEGER,
      announced_at INTEGER,
      link_hash TEXT,
      link_expires_at INTEGER,
      viewed_at INTEGER,
      notice_retry_at INTEGER
    )`);
    // A table created before the notice's retries had no such column.
    const columns = sql.exec('PRAGMA table_info(puk_recovery)').toArray();
    if (!columns.some((c) => c.name === 'notice_retry_at')) sql.exec('ALTER TABLE puk_recovery ADD COLUMN notice_retry_at INTEGER');
    sql.exec('CREATE TABLE IF NOT EXISTS puk_recovery_starts (day TEXT PRIMARY KEY, count INTEGER NOT NULL)');
  }

  /** One more App request today unless `cap` is reached (counted and enforced in one statement): true when counted. */
  countStart(cap: number, now: number): boolean {
    const day = capDay(now);
    this.sql.exec('DELETE FROM puk_recovery_starts WHERE day <> ?', day);
    return (
      this.sql
        .exec(
          'INSERT INTO puk_recovery_starts (day, count) VALUES (?, 1) ON CONFLICT(day) DO UPDATE SET count = count + 1 WHERE count < ? RETURNING count',
          day,
          cap,
        )
        .toArray().length === 1
    );
  }

  private row() {
    return this.sql.exec('SELECT * FROM puk_recovery WHERE id = 1').toArray()[0] ?? null;
  }

  get(): PukRequest | null {
    const r = this.row();
    if (!r) return null;
    const n = (v: SqlStorageValue | undefined) => (v === null || v === undefined ? null : Number(v));
    return {
      requestedAt: Number(r.requested_at),
      releaseAt: Number(r.release_at),
      releasedAt: n(r.released_at),
      linkExpiresAt: n(r.link_expires_at),
      viewedAt: n(r.viewed_at),
    };
  }

  /** A new request only when none is running (core/puk-recovery): read and write with no await between. */
  request(origin: string, now: number): PukRequestAnswer {
    const current = this.get();
    const state = pukRequestState(current, now);
    if (state === 'waiting') return { outcome: 'waiting', releaseAt: current!.releaseAt };
    if (state === 'released') return { outcome: 'released' };
    const releaseAt = releaseAtFor(now);
    this.sql.exec(
      `INSERT OR REPLACE INTO puk_recovery (id, requested_at, release_at, origin, released_at, announced_at, link_hash, link_expires_at, viewed_at, notice_retry_at)
       VALUES (1, ?, ?, ?, NULL, NULL, NULL, NULL, NULL, NULL)`,
      now,
      releaseAt,
      origin,
    );
    return { outcome: 'requested', releaseAt };
  }

  /** When the alarm is wanted for this table: the release of a request not yet announced, or the next try of its notice. */
  wakeAt(): number | null {
    const r = this.sql
      .exec('SELECT COALESCE(notice_retry_at, release_at) AS at FROM puk_recovery WHERE id = 1 AND announced_at IS NULL AND viewed_at IS NULL')
      .toArray()[0];
    return r ? Number(r.at) : null;
  }

  /**
   * At or after its release time, a new link for the request (whose hash this keeps): the origin to
   * build it on and the release time, or null when nothing is due. The link opens nothing until
   * `announced`; a try after a failed notice draws a new link, and the earlier one never opens.
   */
  release(linkHash: string, now: number): { origin: string; releaseAt: number } | null {
    const r = this.sql
      .exec(
        `UPDATE puk_recovery SET link_hash = ?, link_expires_at = ?
         WHERE id = 1 AND release_at <= ? AND announced_at IS NULL AND viewed_at IS NULL RETURNING origin, release_at`,
        linkHash,
        now + PUK_LINK_TTL_MS,
        now,
      )
      .toArray()[0];
    return r ? { origin: String(r.origin), releaseAt: Number(r.release_at) } : null;
  }

  /** The provider took the notice with the link of `linkHash`: released from now. True when this call marked it. */
  announced(linkHash: string, now: number): boolean {
    return (
      this.sql
        .exec(
          `UPDATE puk_recovery SET released_at = ?, announced_at = ?, notice_retry_at = NULL
           WHERE id = 1 AND link_hash = ? AND announced_at IS NULL RETURNING id`,
          now,
          now,
          linkHash,
        )
        .toArray().length === 1
    );
  }

  /**
   * The notice failed at `now`: tried again later (core/puk-recovery noticeRetryAt), or, a week past the
   * release, dropped — which the caller logs, as the holder asked and never got the link.
   */
  noticeFailed(releaseAt: number, now: number): 'retried' | 'dropped' {
    const retryAt = noticeRetryAt(releaseAt, now);
    if (retryAt === null) {
      this.drop();
      return 'dropped';
    }
    this.sql.exec('UPDATE puk_recovery SET notice_retry_at = ?, link_hash = NULL WHERE id = 1 AND announced_at IS NULL', retryAt);
    return 'retried';
  }

  /** A request the card can no longer honour (blocked meanwhile): forgotten, nothing is released. */
  drop(): void {
    this.sql.exec('DELETE FROM puk_recovery WHERE id = 1');
  }

  /** The link is this card's current one, released, not viewed, not expired (the hashes compared in constant time). */
  linkOpen(linkHash: string, now: number): boolean {
    const r = this.row();
    if (!r || r.link_hash === null || r.viewed_at !== null || r.released_at === null || Number(r.link_expires_at) <= now) return false;
    const a = fromBase64Url(String(r.link_hash));
    const b = fromBase64Url(linkHash);
    return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
  }

  /** The one view: true for the first caller only (checked and marked with no await between). */
  take(linkHash: string, now: number): boolean {
    if (!this.linkOpen(linkHash, now)) return false;
    return this.sql.exec('UPDATE puk_recovery SET viewed_at = ? WHERE id = 1 AND viewed_at IS NULL RETURNING id', now).toArray().length === 1;
  }
}
