import { PUK_LINK_TTL_MS, type PukRequest, type PukRequestAnswer, pukRequestState, releaseAtFor } from '../functions/core/puk-recovery';
import { fromBase64Url } from '../functions/platform/encoding';

/**
 * R-PUK-2 inside the Card: the card's one PUK request (core/puk-recovery), its 48 hours, the link that
 * announces it (only the hash of its secret) and the one view it allows. `announced_at` is set once
 * the notice went out, so an alarm that failed to send tries again; `origin` is where the request was
 * made, the site the link leads back to (an alarm has no request to read it from).
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
      viewed_at INTEGER
    )`);
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
      `INSERT OR REPLACE INTO puk_recovery (id, requested_at, release_at, origin, released_at, announced_at, link_hash, link_expires_at, viewed_at)
       VALUES (1, ?, ?, ?, NULL, NULL, NULL, NULL, NULL)`,
      now,
      releaseAt,
      origin,
    );
    return { outcome: 'requested', releaseAt };
  }

  /** When the alarm is wanted for this table: the release of a request not yet announced. */
  wakeAt(): number | null {
    const r = this.sql.exec('SELECT release_at FROM puk_recovery WHERE id = 1 AND announced_at IS NULL AND viewed_at IS NULL').toArray()[0];
    return r ? Number(r.release_at) : null;
  }

  /**
   * At or after its release time, the request is released with a new link (whose hash this keeps):
   * the origin to build the link on, or null when nothing is due. A retry after a failed notice
   * draws a new link, and the earlier one stops working.
   */
  release(linkHash: string, now: number): { origin: string } | null {
    const r = this.sql
      .exec(
        `UPDATE puk_recovery SET released_at = COALESCE(released_at, ?), link_hash = ?, link_expires_at = ?
         WHERE id = 1 AND release_at <= ? AND announced_at IS NULL AND viewed_at IS NULL RETURNING origin`,
        now,
        linkHash,
        now + PUK_LINK_TTL_MS,
        now,
      )
      .toArray()[0];
    return r ? { origin: String(r.origin) } : null;
  }

  announced(now: number): void {
    this.sql.exec('UPDATE puk_recovery SET announced_at = ? WHERE id = 1', now);
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
