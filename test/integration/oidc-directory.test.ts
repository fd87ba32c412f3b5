import { describe, expect, it } from 'vitest';
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import type { DirectoryShard } from '../../durable-objects/directory-shard';

/** Single-use keys with a lifetime (C-17 nonces, C-27 assertion ids) in a directory shard. */
const shard = () => env.DIRECTORY.get(env.DIRECTORY.idFromName(`ttl-test-${crypto.randomUUID()}`));

describe('directory: single-use keys with a lifetime (C-17, C-27)', () => {
  it('a key is taken once until it expires, then it can be taken again', async () => {
    const stub = shard();
    const now = Date.now();
    expect(await stub.insertNewUntil('nonce:x', '1', now + 1000, now)).toBe(true);
    expect(await stub.insertNewUntil('nonce:x', '1', now + 1000, now + 999)).toBe(false);
    expect(await stub.insertNewUntil('nonce:x', '1', now + 5000, now + 1000)).toBe(true);
  });

  it('the alarm deletes what has expired and keeps the rest', async () => {
    const stub = shard();
    const now = Date.now();
    await stub.insertNewUntil('old', '1', now - 10, now - 20);
    await stub.insertNewUntil('live', '1', now + 60_000, now);
    // An alarm in the past may already have fired on its own; either way it must have run once.
    await runDurableObjectAlarm(stub);
    const { left, alarm } = await runInDurableObject(stub, async (_: DirectoryShard, state) => ({
      left: state.storage.sql
        .exec('SELECT key FROM expiring_keys ORDER BY key')
        .toArray()
        .map((r) => r.key),
      alarm: await state.storage.getAlarm(),
    }));
    expect(left).toEqual(['live']);
    expect(alarm).toBeGreaterThanOrEqual(now + 60_000);
  });

  it('expiring keys never touch the permanent bindings', async () => {
    const stub = shard();
    expect(await stub.insertNew('phone:+39333', 'CF')).toBe(true);
    expect(await stub.insertNewUntil('phone:+39333', 'other', Date.now() + 1000)).toBe(true);
    expect(await stub.get('phone:+39333')).toBe('CF');
  });
});
