import { describe, expect, it } from 'vitest';
import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import type { Env } from '../../../functions/env';
import { keyedHash } from '../../../functions/platform/crypto';
import { DIRECTORY_SHARDS, shardOf } from '../../../functions/platform/directory';
import { unknownUsernameThrottle } from '../../../functions/platform/username-throttle';

const e = env as unknown as Env;

/** Rows of the unknown-username counters in each directory shard, by shard number. */
async function countersByShard(): Promise<Map<number, string[]>> {
  const found = new Map<number, string[]>();
  for (let n = 0; n < DIRECTORY_SHARDS; n++) {
    const keys = await runInDurableObject(e.DIRECTORY.get(e.DIRECTORY.idFromName(`shard-${n}`)), (_i, state) => {
      const exists = state.storage.sql.exec(`SELECT 1 FROM sqlite_master WHERE name = 'unknown_password_failures'`).toArray().length;
      return exists
        ? state.storage.sql
            .exec('SELECT key FROM unknown_password_failures')
            .toArray()
            .map((r) => String(r.key))
        : [];
    });
    if (keys.length) found.set(n, keys);
  }
  return found;
}

describe('platform/username-throttle: through the Directory port (R-LOG-8)', () => {
  it('R-LOG-8: an unknown username is counted under unknown-login:<keyed hash>, in the shard that key names, and nowhere else', async () => {
    const username = `  Nessuno.${crypto.randomUUID()}@Example.it `;
    const throttle = await unknownUsernameThrottle(e, e.DATA_KEY!, username);
    const before = await countersByShard();
    await throttle.recordFailure(Date.now());
    const after = await countersByShard();

    const key = `unknown-login:${await keyedHash(e.DATA_KEY!, 'username-throttle', username.trim().toLowerCase())}`;
    const added = [...after].flatMap(([n, keys]) => keys.filter((k) => !(before.get(n) ?? []).includes(k)).map((k) => ({ n, k })));
    expect(added).toEqual([{ n: shardOf(key), k: key }]);
    expect(key).not.toContain('Nessuno');
    expect((await throttle.gate(Date.now())).allowed).toBe(true);
  });
});
