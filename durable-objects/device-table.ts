import { APPROVAL_TTL_MS, APPROVAL_WINDOW_MS, approvalWaitSeconds, counterAdvances } from '../functions/core/app-approvals';

/**
 * The Card's certified App devices (R-APP-3, R-APP-4) and the approvals sent to them (R-LOG-2, R-LOG-3). Every
 * decision — counter, revocation, single use, rate limit — is one synchronous step inside the Card,
 * so concurrent requests cannot both win.
 */
export interface DeviceRecord {
  id: string;
  credentialId: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  counter: number;
  name: string;
  notifications: boolean;
  createdAt: number;
  revokedAt: number | null;
  /** The last time it authorised something (R-ACC-5: "ultimo utilizzo"): an approval, a card signature; null: never. */
  lastUsedAt: number | null;
}

export type NewDevice = Omit<DeviceRecord, 'createdAt' | 'revokedAt' | 'lastUsedAt'>;
export type DeviceListing = Omit<DeviceRecord, 'credentialId' | 'publicKey' | 'counter'>;

export interface Approval {
  id: string;
  /** The login FlowSession's object id (never the flow id, which is the browser's secret). */
  flow: string;
  /** The relying party's client_id, for the access log. */
  rp: string;
  kind: 'push' | 'qr';
  /** A QR approval belongs to the device that scanned it; a push to every device of the identity. */
  deviceId: string | null;
  challenge: string;
  rpName: string;
  level: number;
  attributes: string[];
  openedAt: number;
  expiresAt: number;
}

export type ApprovalOpening = { opened: true } | { opened: false; waitSeconds: number };

type Row = Record<string, SqlStorageValue>;

const device = (r: Row): DeviceRecord => ({
  id: String(r.id),
  credentialId: String(r.credential_id),
  publicKey: String(r.public_key),
  counter: Number(r.counter),
  name: String(r.name),
  notifications: Number(r.notifications) === 1,
  createdAt: Number(r.created_at),
  revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
  lastUsedAt: r.last_used_at === null || r.last_used_at === undefined ? null : Number(r.last_used_at),
});

const approval = (r: Row): Approval => ({
  id: String(r.id),
  flow: String(r.flow),
  rp: String(r.rp),
  kind: String(r.kind) as Approval['kind'],
  deviceId: r.device_id === null ? null : String(r.device_id),
  challenge: String(r.challenge),
  rpName: String(r.rp_name),
  level: Number(r.level),
  attributes: JSON.parse(String(r.attributes)) as string[],
  openedAt: Number(r.opened_at),
  expiresAt: Number(r.expires_at),
});

export class DeviceTable {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS devices (
      id TEXT PRIMARY KEY, credential_id TEXT NOT NULL UNIQUE, public_key TEXT NOT NULL,
      counter INTEGER NOT NULL, name TEXT NOT NULL, notifications INTEGER NOT NULL,
      session_hash TEXT NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER, last_used_at INTEGER
    )`);
    // Objects created before last use was kept have the table without the column: added once, null for their devices.
    const columns = sql.exec("SELECT name FROM pragma_table_info('devices')").toArray();
    if (!columns.some((c) => c.name === 'last_used_at')) sql.exec('ALTER TABLE devices ADD COLUMN last_used_at INTEGER');
    sql.exec(`CREATE TABLE IF NOT EXISTS approvals (
      id TEXT PRIMARY KEY, flow TEXT NOT NULL, rp TEXT NOT NULL, kind TEXT NOT NULL, device_id TEXT, challenge TEXT NOT NULL,
      rp_name TEXT NOT NULL, level INTEGER NOT NULL, attributes TEXT NOT NULL,
      opened_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, decided_at INTEGER
    )`);
  }

  add(d: NewDevice, sessionHash: string, now: number): boolean {
    const inserted = this.sql
      .exec(
        `INSERT INTO devices (id, credential_id, public_key, counter, name, notifications, session_hash, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
        d.id,
        d.credentialId,
        d.publicKey,
        d.counter,
        d.name,
        d.notifications ? 1 : 0,
        sessionHash,
        now,
      )
      .toArray();
    return inserted.length === 1;
  }

  /** The live device a session token names; the hash is compared in constant time. */
  bySession(id: string, sessionHash: string): DeviceRecord | null {
    const r = this.sql.exec('SELECT * FROM devices WHERE id = ? AND revoked_at IS NULL', id).toArray()[0];
    if (!r) return null;
    const a = new TextEncoder().encode(String(r.session_hash));
    const b = new TextEncoder().encode(sessionHash);
    return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b) ? device(r) : null;
  }

  live(id: string): DeviceRecord | null {
    const r = this.sql.exec('SELECT * FROM devices WHERE id = ? AND revoked_at IS NULL', id).toArray()[0];
    return r ? device(r) : null;
  }

  list(): DeviceListing[] {
    return this.sql
      .exec('SELECT * FROM devices ORDER BY created_at')
      .toArray()
      .map(device)
      .map(({ id, name, notifications, createdAt, revokedAt, lastUsedAt }) => ({ id, name, notifications, createdAt, revokedAt, lastUsedAt }));
  }

  liveCount(): number {
    return Number(this.sql.exec('SELECT COUNT(*) AS n FROM devices WHERE revoked_at IS NULL').one().n);
  }

  /** R-APP-4: effective at once; the device's pending QR approvals go with it. The revoked device's name, or null if none was live. */
  revoke(id: string, now: number): string | null {
    const done = this.sql.exec('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING name', now, id).toArray()[0];
    this.sql.exec('UPDATE approvals SET decided_at = ? WHERE device_id = ? AND decided_at IS NULL', now, id);
    return done ? String(done.name) : null;
  }

  /**
   * The signature counter moves forward or the assertion is refused; one statement decides, and the
   * same statement records the use (R-ACC-5): an accepted assertion is the device authorising a login.
   */
  advanceCounter(id: string, presented: number, now: number): boolean {
    const r = this.sql.exec('SELECT counter FROM devices WHERE id = ? AND revoked_at IS NULL', id).toArray()[0];
    if (!r || !counterAdvances(Number(r.counter), presented)) return false;
    return (
      this.sql
        .exec(
          'UPDATE devices SET counter = ?, last_used_at = ? WHERE id = ? AND revoked_at IS NULL AND counter = ? RETURNING id',
          presented,
          now,
          id,
          Number(r.counter),
        )
        .toArray().length === 1
    );
  }

  /** R-ACC-5: a live device authorised something without an assertion counter (a card signature in the App, level 3). */
  markUsed(id: string, now: number): boolean {
    return this.sql.exec('UPDATE devices SET last_used_at = ? WHERE id = ? AND revoked_at IS NULL RETURNING id', now, id).toArray().length === 1;
  }

  /**
   * Opens an approval unless the identity has had too many lately (flood). A new approval for the
   * same flow replaces the earlier one, which can then no longer be decided.
   */
  open(a: Omit<Approval, 'openedAt' | 'expiresAt'>, now: number): ApprovalOpening {
    this.sql.exec('DELETE FROM approvals WHERE opened_at < ?', now - APPROVAL_WINDOW_MS - APPROVAL_TTL_MS);
    const opened = this.sql
      .exec('SELECT opened_at FROM approvals WHERE opened_at > ?', now - APPROVAL_WINDOW_MS)
      .toArray()
      .map((r) => Number(r.opened_at));
    const wait = approvalWaitSeconds(opened, now);
    if (wait > 0) return { opened: false, waitSeconds: wait };
    this.sql.exec('UPDATE approvals SET decided_at = ? WHERE flow = ? AND decided_at IS NULL', now, a.flow);
    this.sql.exec(
      `INSERT INTO approvals (id, flow, rp, kind, device_id, challenge, rp_name, level, attributes, opened_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      a.id,
      a.flow,
      a.rp,
      a.kind,
      a.deviceId,
      a.challenge,
      a.rpName,
      a.level,
      JSON.stringify(a.attributes),
      now,
      now + APPROVAL_TTL_MS,
    );
    return { opened: true };
  }

  /** What a device may still decide: undecided, unexpired, and (for QR) its own. */
  pending(deviceId: string, now: number): Approval[] {
    return this.sql
      .exec(
        `SELECT * FROM approvals WHERE decided_at IS NULL AND expires_at > ? AND (device_id IS NULL OR device_id = ?)
         ORDER BY opened_at`,
        now,
        deviceId,
      )
      .toArray()
      .map(approval);
  }

  find(id: string, deviceId: string, now: number): Approval | null {
    return this.pending(deviceId, now).find((a) => a.id === id) ?? null;
  }

  /** Single use: the first decision takes the approval, any later one finds it gone. */
  take(id: string, deviceId: string, now: number): boolean {
    return (
      this.sql
        .exec(
          `UPDATE approvals SET decided_at = ? WHERE id = ? AND decided_at IS NULL AND expires_at > ?
             AND (device_id IS NULL OR device_id = ?) RETURNING id`,
          now,
          id,
          now,
          deviceId,
        )
        .toArray().length === 1
    );
  }
}
