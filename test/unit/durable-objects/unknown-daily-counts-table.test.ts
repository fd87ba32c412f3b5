import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { CLEAR_OTHER_DAYS, UnknownDailyCountsTable } from '../../../durable-objects/unknown-daily-counts-table';

/** The table on its own, in a directory shard's storage (the shard that keeps it). */
const inShard = <R>(fn: (table: UnknownDailyCountsTable, sql: SqlStorage) => R) =>
  runInDurableObject(env.DIRECTORY.get(env.DIRECTORY.idFromName(`unknown-counts-${crypto.randomUUID()}`)), (_shard, state) =>
    fn(new UnknownDailyCountsTable(state.storage.sql), state.storage.sql),
  );

describe('UnknownDailyCountsTable: the stale rows cleared on each count', () => {
  it('other days’ rows go, today’s stay, and the clearing searches an index on day rather than scanning the table', async () => {
    const monday = Date.UTC(2026, 2, 9, 8);
    const tuesday = Date.UTC(2026, 2, 10, 8);
    await inShard((table, sql) => {
      expect(table.count('a', 'otp-check', 3, monday)).toBe(true);
      expect(table.count('b', 'puk-start', 3, tuesday)).toBe(true);
      expect(sql.exec('SELECT key, day FROM unknown_daily_counts').toArray()).toEqual([{ key: 'b', day: '2026-03-10' }]);
      const plan = sql
        .exec(`EXPLAIN QUERY PLAN ${CLEAR_OTHER_DAYS}`, '2026-03-10', '2026-03-10')
        .toArray()
        .map((row) => String(row.detail));
      expect(plan.join(' | ')).toMatch(/USING (COVERING )?INDEX unknown_daily_counts_day/);
      expect(plan.join(' | ')).not.toMatch(/^SCAN unknown_daily_counts$/m);
    });
  });
});
