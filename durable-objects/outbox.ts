import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../functions/env';

/**
 * The development stand-in for the SMS and email providers: one mailbox per recipient, read by the
 * test hook /__test/outbox. It keeps the newest 50 messages and nothing older than a day.
 */
export interface OutboxMessage {
  to: string;
  channel: 'sms' | 'email';
  text: string;
  code: string | null;
  sentAt: string;
}

const KEEP = 50;
const MAX_AGE_MS = 24 * 3600_000;

export class Outbox extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`CREATE TABLE IF NOT EXISTS messages (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, sent_at INTEGER NOT NULL, body TEXT NOT NULL
    )`);
  }

  deliver(message: OutboxMessage): void {
    const now = Date.parse(message.sentAt);
    this.sql.exec('INSERT INTO messages (sent_at, body) VALUES (?, ?)', now, JSON.stringify(message));
    this.sql.exec('DELETE FROM messages WHERE sent_at < ? OR seq NOT IN (SELECT seq FROM messages ORDER BY seq DESC LIMIT ?)', now - MAX_AGE_MS, KEEP);
  }

  /** Newest first. */
  list(): OutboxMessage[] {
    return this.sql
      .exec('SELECT body FROM messages ORDER BY seq DESC')
      .toArray()
      .map((r) => JSON.parse(String(r.body)) as OutboxMessage);
  }
}
