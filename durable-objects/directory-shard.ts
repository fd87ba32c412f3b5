import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../functions/env';
import type { AttemptDecision } from '../functions/core/password-throttle';
import { type FailureRecord, PasswordThrottleTable } from './password-throttle-table';
import { ExpiringKeysTable } from './expiring-keys-table';

/**
 * One shard of the embedded directory: a small key → value table with an owner per key, so that
 * uniqueness (a phone bound to one identity, a serial drawn once) is decided by one INSERT in the
 * shard that owns the key. The `Directory` interface in platform/ decides which shard holds a key.
 */
export class DirectoryShard extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly unknownUsernames: PasswordThrottleTable;
  private readonly expiring: ExpiringKeysTable;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS entries (
      key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL
    )`);
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
