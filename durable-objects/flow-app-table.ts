/**
 * A login flow's App side (R-LOG-2 push, R-LOG-3 QR): the one challenge an approval may sign, and the
 * one QR code the page shows. Both are single use and replaced by their successor; the QR's expiry
 * is also an alarm of the FlowSession, which wakes the waiting page.
 */
export interface AppChallenge {
  approvalId: string;
  challenge: string;
  /** The identity and device the approval is for; null until a QR code is scanned. */
  serial: string | null;
  deviceId: string | null;
  /** The steps the approval may move the flow on from (given by the flow's kind: core/login-flow.ts). */
  fromSteps: string[];
  expiresAt: number;
}

export type QrClaim = { outcome: 'ok' } | { outcome: 'used' | 'expired' | 'unknown' };

export class FlowAppTable {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS app_challenge (
      id INTEGER PRIMARY KEY CHECK (id = 1), approval_id TEXT NOT NULL, challenge TEXT NOT NULL,
      serial TEXT, device_id TEXT, from_steps TEXT NOT NULL, expires_at INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0
    )`);
    sql.exec(`CREATE TABLE IF NOT EXISTS qr (
      id INTEGER PRIMARY KEY CHECK (id = 1), token_hash TEXT NOT NULL, expires_at INTEGER NOT NULL,
      used INTEGER NOT NULL DEFAULT 0, device_id TEXT
    )`);
  }

  setChallenge(c: AppChallenge): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO app_challenge (id, approval_id, challenge, serial, device_id, from_steps, expires_at, used)
       VALUES (1, ?, ?, ?, ?, ?, ?, 0)`,
      c.approvalId,
      c.challenge,
      c.serial,
      c.deviceId,
      JSON.stringify(c.fromSteps),
      c.expiresAt,
    );
  }

  /**
   * Takes the challenge once, for the approval, identity and device it was issued to. Returns the
   * steps the flow may leave, or null (another flow's challenge, replayed, expired, replaced).
   */
  takeChallenge(approvalId: string, challenge: string, serial: string, deviceId: string, now: number): string[] | null {
    const row = this.sql
      .exec(
        `UPDATE app_challenge SET used = 1 WHERE id = 1 AND used = 0 AND expires_at > ? AND approval_id = ? AND challenge = ?
           AND (serial IS NULL OR serial = ?) AND (device_id IS NULL OR device_id = ?)
         RETURNING from_steps`,
        now,
        approvalId,
        challenge,
        serial,
        deviceId,
      )
      .toArray()[0];
    return row ? (JSON.parse(String(row.from_steps)) as string[]) : null;
  }

  clearChallenge(): void {
    this.sql.exec('DELETE FROM app_challenge');
  }

  issueQr(tokenHash: string, expiresAt: number): void {
    this.sql.exec('INSERT OR REPLACE INTO qr (id, token_hash, expires_at, used, device_id) VALUES (1, ?, ?, 0, NULL)', tokenHash, expiresAt);
  }

  /** Single use: the first device to present the code owns it; nobody after, and nobody once expired. */
  claimQr(tokenHash: string, deviceId: string, now: number): QrClaim {
    const row = this.sql.exec('SELECT token_hash, expires_at, used FROM qr WHERE id = 1').toArray()[0];
    if (!row || String(row.token_hash) !== tokenHash) return { outcome: 'unknown' };
    if (Number(row.used) === 1) return { outcome: 'used' };
    if (Number(row.expires_at) <= now) return { outcome: 'expired' };
    this.sql.exec('UPDATE qr SET used = 1, device_id = ? WHERE id = 1', deviceId);
    return { outcome: 'ok' };
  }

  qrExpiry(): number | null {
    const row = this.sql.exec('SELECT expires_at FROM qr WHERE id = 1 AND used = 0').toArray()[0];
    return row ? Number(row.expires_at) : null;
  }

  /** The expired QR is forgotten; true when there was one (the waiting page is told). */
  dropExpiredQr(now: number): boolean {
    return this.sql.exec('DELETE FROM qr WHERE expires_at <= ? RETURNING id', now).toArray().length > 0;
  }
}
