/**
 * R-L3-1, R-L3-2: the App devices that hold this card for level 3 ("Registra la tua carta"), inside the
 * Card. A row says: this device read this card, PIN and all, and the card's certificate (its SHA-256
 * fingerprint) was the one below. Whether the device is still certified is the DeviceTable's to say,
 * so a revoked device (R-APP-4) holds nothing whatever this table keeps.
 */
export interface CardHolding {
  deviceId: string;
  /** SHA-256 of the card certificate's DER, lower-case hex (as the Card keeps it). */
  fingerprint: string;
  registeredAt: number;
}

export class CardL3Table {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS l3_devices (
      device_id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, registered_at INTEGER NOT NULL
    )`);
  }

  /** Registering again (a new reading of the same card) keeps one row, with the new time. */
  register(deviceId: string, fingerprint: string, now: number): void {
    this.sql.exec('INSERT OR REPLACE INTO l3_devices (device_id, fingerprint, registered_at) VALUES (?, ?, ?)', deviceId, fingerprint, now);
  }

  holds(deviceId: string, fingerprint: string): boolean {
    return this.sql.exec('SELECT 1 FROM l3_devices WHERE device_id = ? AND fingerprint = ?', deviceId, fingerprint).toArray().length === 1;
  }

  forget(deviceId: string): void {
    this.sql.exec('DELETE FROM l3_devices WHERE device_id = ?', deviceId);
  }
}
