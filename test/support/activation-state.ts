import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import type { CardView } from '../../durable-objects/card';
import { OTP_DAILY_CHECK_CAP, capDay } from '../../functions/core/otp';
import { expect } from 'vitest';

/** Reading and bending the Durable Objects' stored state, for what no page shows (hashes, clocks). */
export const cardStub = (serial: string) => env.CARD.get(env.CARD.idFromName(serial));
export const flowStub = (flowId: string) => env.FLOW.get(env.FLOW.idFromName(flowId));

export async function cardView(serial: string): Promise<CardView> {
  const v = (await cardStub(serial).view()) as unknown as CardView | null;
  if (!v) throw new Error(`no card ${serial}`);
  return v;
}

export function storedPasswordHash(serial: string): Promise<string | null> {
  return runInDurableObject(cardStub(serial), (_instance, state) => {
    const row = state.storage.sql.exec('SELECT password_hash FROM credentials WHERE id = 1').toArray()[0];
    return row ? String(row.password_hash) : null;
  });
}

/** Runs one SQL statement inside the card (moving its expiry, its counters…). */
export function cardSql(serial: string, query: string, ...bindings: SqlStorageValue[]): Promise<void> {
  return runInDurableObject(cardStub(serial), (_instance, state) => {
    state.storage.sql.exec(query, ...bindings);
  });
}

export function flowSql(flowId: string, query: string, ...bindings: SqlStorageValue[]): Promise<Record<string, SqlStorageValue>[]> {
  return runInDurableObject(flowStub(flowId), (_instance, state) => state.storage.sql.exec(query, ...bindings).toArray());
}

/** Rows left in the flow's tables: 0 once it has been deleted. */
export function flowRows(flowId: string): Promise<number> {
  return runInDurableObject(flowStub(flowId), (_instance, state) => {
    const tables = state.storage.sql
      .exec(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('flow', 'otp')`)
      .toArray()
      .map((r) => String(r.name));
    return tables.reduce((n, t) => n + Number(state.storage.sql.exec(`SELECT COUNT(*) AS n FROM ${t}`).one().n), 0);
  });
}

/** Spends `count` of the identity's codes checked today (R-OTP-2 across flows); all of them by default. */
export function spendOtpChecks(serial: string, count = OTP_DAILY_CHECK_CAP): Promise<void> {
  return cardSql(serial, 'INSERT OR REPLACE INTO otp_checks (day, count) VALUES (?, ?)', capDay(Date.now()), count);
}

/**
 * A daily cap's Retry-After lands on the next midnight in Rome — checked with ICU's Europe/Rome, not
 * with the service's own calendar code.
 */
export function expectRetryAtItalianMidnight(header: string | null): void {
  const seconds = Number(header);
  expect(seconds).toBeGreaterThan(0);
  expect(seconds).toBeLessThanOrEqual(25 * 3600);
  const rome = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Rome', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  expect(rome.format(new Date(Date.now() + seconds * 1000))).toBe('00:00');
}
