import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../functions/env';
import type { AttemptDecision } from '../functions/core/password-throttle';
import { type FailureRecord, PasswordThrottleTable } from './password-throttle-table';
import { ExpiringKeysTable } from './expiring-keys-table';
import { type UnknownDailyCounter, UnknownDailyCountsTable } from './unknown-daily-counts-table';
import type { RevocationReason, RevokedCertificate } from '../functions/core/card-auth';
import type { RevocationList, StoredCrl } from '../functions/platform/directory';

/**
 * One shard of the embedded directory: a small key → value table with an owner per key, so that
 * uniqueness (a phone bound to one identity, a serial drawn once) is decided by one INSERT in the
 * shard that owns the key. The `Directory` interface in platform/ decides which shard holds a key.
 */
export class DirectoryShard extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly unknownUsernames: PasswordThrottleTable;
  private readonly expiring: ExpiringKeysTable;
  private unknownDaily?: UnknownDailyCountsTable;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS entries (
      key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL
    )`);
    // The card CA's revocation list (docs/level3.md): every shard has the tables, the `crl` shard alone fills them.
    this.sql.exec(`CREATE TABLE IF NOT EXISTS revoked_certificates (
      serial TEXT PRIMARY KEY, revoked_at INTEGER NOT NULL, reason TEXT NOT NULL, not_after INTEGER NOT NULL
    )`);
    this.sql.exec(`CREATE TABLE IF NOT EXISTS crl (
      id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL, crl_version INTEGER, built_at INTEGER, der TEXT
    )`);
    this.sql.exec('INSERT OR IGNORE INTO crl (id, version) VALUES (1, 0)');
    this.unknownUsernames = new PasswordThrottleTable(this.sql, 'unknown_password_failures');
    this.expiring = new ExpiringKeysTable(this.sql);
  }

  get(key: string): string | null {
    const row = this.sql.exec('SELECT value FROM entries WHERE key = ?', key).toArray()[0];
    return row ? String(row.value) : null;
  }

  /** Sets the value and returns the one it replaced. */
  put(key: string, value: string): string | null {
    const previous = this.get(key);
    this.sql.exec(
      'INSERT INTO entries (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      key,
      value,
      Date.now(),
    );
    return previous;
  }

  /** Binds key to value unless it is bound to something else; returns the value now bound. */
  claim(key: string, value: string): string {
    this.sql.exec('INSERT OR IGNORE INTO entries (key, value, updated_at) VALUES (?, ?, ?)', key, value, Date.now());
    return this.get(key)!;
  }

  /** Binds key to value only if the key is new; true when this call created it. */
  insertNew(key: string, value: string): boolean {
    return (
      this.sql.exec('INSERT INTO entries (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO NOTHING RETURNING key', key, value, Date.now()).toArray()
        .length === 1
    );
  }

  /** Removes the key only while it is still bound to `value`. */
  release(key: string, value: string): void {
    this.sql.exec('DELETE FROM entries WHERE key = ? AND value = ?', key, value);
  }

  /**
   * R-LOG-8 for usernames that name nobody: the same schedule as a real identity's, so that the
   * slow-down and the lock cannot tell an existing username from a made-up one. Keys are keyed hashes
   * of the username (platform/username-throttle), never the typed text.
   */
  unknownUsernameGate(key: string, now = Date.now()): AttemptDecision {
    return this.unknownUsernames.gate(key, now);
  }

  unknownUsernameFailure(key: string, now = Date.now()): FailureRecord {
    this.unknownUsernames.prune(now);
    return this.unknownUsernames.recordFailure(key, now);
  }

  /** A decoy recovery's daily counts for a name nobody holds, beside its R-LOG-8 counter (unknown-daily-counts-table.ts). */
  private get unknownDailyCounts(): UnknownDailyCountsTable {
    this.unknownDaily ??= new UnknownDailyCountsTable(this.sql);
    return this.unknownDaily;
  }

  unknownDailyCount(key: string, counter: UnknownDailyCounter, cap: number, now = Date.now()): boolean {
    return this.unknownDailyCounts.count(key, counter, cap, now);
  }

  unknownDailyGiveBack(key: string, counter: UnknownDailyCounter, countedAt: number): void {
    this.unknownDailyCounts.giveBack(key, counter, countedAt);
  }

  /**
   * One more line on the revocation list, and the list's version moved in the same call, so a CRL
   * signed from the list before it is known to be out of date. A serial already listed keeps its line.
   */
  revokeCertificate(entry: RevokedCertificate, now = Date.now()): void {
    this.ctx.storage.transactionSync(() => {
      this.sql.exec('DELETE FROM revoked_certificates WHERE not_after < ?', now);
      const added = this.sql
        .exec(
          'INSERT INTO revoked_certificates (serial, revoked_at, reason, not_after) VALUES (?, ?, ?, ?) ON CONFLICT(serial) DO NOTHING RETURNING serial',
          entry.serial,
          entry.revokedAt,
          entry.reason,
          entry.notAfter,
        )
        .toArray().length;
      if (added) this.sql.exec('UPDATE crl SET version = version + 1 WHERE id = 1');
    });
  }

  revocationList(now = Date.now()): RevocationList {
    const state = this.sql.exec('SELECT version, crl_version, built_at, der FROM crl WHERE id = 1').one();
    const entries = this.sql
      .exec('SELECT serial, revoked_at, reason, not_after FROM revoked_certificates WHERE not_after >= ? ORDER BY serial', now)
      .toArray()
      .map((r) => ({ serial: String(r.serial), revokedAt: Number(r.revoked_at), reason: String(r.reason) as RevocationReason, notAfter: Number(r.not_after) }));
    const crl: StoredCrl | null = state.der === null ? null : { version: Number(state.crl_version), builtAt: Number(state.built_at), der: String(state.der) };
    return { version: Number(state.version), entries, crl };
  }

  /** Two requests may sign at once: the CRL of the later list, or the later of two at one version, stays. */
  storeCrl(crl: StoredCrl): void {
    this.sql.exec(
      `UPDATE crl SET crl_version = ?, built_at = ?, der = ?
       WHERE id = 1 AND (der IS NULL OR crl_version < ? OR (crl_version = ? AND built_at < ?))`,
      crl.version,
      crl.builtAt,
      crl.der,
      crl.version,
      crl.version,
      crl.builtAt,
    );
  }

  /** Removes the key whatever it is bound to; true when there was one. */
  remove(key: string): boolean {
    return this.sql.exec('DELETE FROM entries WHERE key = ? RETURNING key', key).toArray().length === 1;
  }

  /**
   * Takes a single-use key until `expiresAt` (C-17 nonces, C-27 assertion ids); false when it is
   * already taken and has not expired. The alarm deletes what has expired.
   */
  async insertNewUntil(key: string, value: string, expiresAt: number, now = Date.now()): Promise<boolean> {
    const taken = this.expiring.insertNew(key, value, expiresAt, now);
    if (taken) {
      const alarm = await this.ctx.storage.getAlarm();
      if (alarm === null || alarm > expiresAt) await this.ctx.storage.setAlarm(expiresAt);
    }
    return taken;
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    this.expiring.purge(now);
    const next = this.expiring.nextExpiry();
    if (next !== null) await this.ctx.storage.setAlarm(Math.max(next, now + 1000));
  }
}
