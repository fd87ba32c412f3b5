import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { DirectoryShard } from '../../../durable-objects/directory-shard';
import { randomId } from '../../../functions/platform/crypto';

const CF_A = 'RSSMRA85H15H501D';
const CF_B = 'VRDLGU70A01F205X';

/** A fresh shard per test (shard names in production are shard-0..15; any name works for the object). */
function shard() {
  return env.DIRECTORY.get(env.DIRECTORY.idFromName(`test-${randomId(8)}`));
}
const inShard = <R>(stub: DurableObjectStub<DirectoryShard>, fn: (s: DirectoryShard) => R | Promise<R>) => runInDurableObject(stub, fn);

describe('DirectoryShard: uniqueness decided by one statement (R-CARD-5, R-CARD-1, R-CARD-7)', () => {
  it('R-CARD-5: the first identity to claim a phone holds it; another identity gets the holder back', async () => {
    const s = shard();
    expect(await inShard(s, (d) => d.claim('phone:+393331234567', CF_A))).toBe(CF_A);
    expect(await inShard(s, (d) => d.claim('phone:+393331234567', CF_B))).toBe(CF_A);
    expect(await inShard(s, (d) => d.get('phone:+393331234567'))).toBe(CF_A);
  });

  it('R-CARD-5: the holder claiming again (a renewal) keeps it', async () => {
    const s = shard();
    await inShard(s, (d) => d.claim('phone:+393331234567', CF_A));
    expect(await inShard(s, (d) => d.claim('phone:+393331234567', CF_A))).toBe(CF_A);
  });

  it('R-CARD-5: a release by someone who does not hold the key changes nothing', async () => {
    const s = shard();
    await inShard(s, (d) => d.claim('phone:+393331234567', CF_A));
    await inShard(s, (d) => d.release('phone:+393331234567', CF_B));
    expect(await inShard(s, (d) => d.get('phone:+393331234567'))).toBe(CF_A);
  });

  it('R-CARD-5: once the holder releases it, another identity may claim it', async () => {
    const s = shard();
    await inShard(s, (d) => d.claim('phone:+393331234567', CF_A));
    await inShard(s, (d) => d.release('phone:+393331234567', CF_A));
    expect(await inShard(s, (d) => d.get('phone:+393331234567'))).toBeNull();
    expect(await inShard(s, (d) => d.claim('phone:+393331234567', CF_B))).toBe(CF_B);
  });

  it('R-CARD-5: of many identities claiming one phone at once, exactly one holds it', async () => {
    const s = shard();
    const claimants = Array.from({ length: 30 }, (_, i) => `CF${String(i).padStart(14, '0')}`);
    const results = await Promise.all(claimants.map((cf) => s.claim('phone:+393339999999', cf)));
    expect(new Set(results).size).toBe(1);
    expect(claimants).toContain(results[0]);
  });

  it('R-CARD-1: a serial is drawn once: insertNew succeeds only for the first caller', async () => {
    const s = shard();
    expect(await inShard(s, (d) => d.insertNew('serial:CA00000AA', CF_A))).toBe(true);
    expect(await inShard(s, (d) => d.insertNew('serial:CA00000AA', CF_A))).toBe(false);
    expect(await inShard(s, (d) => d.insertNew('serial:CA00000AA', CF_B))).toBe(false);
    expect(await inShard(s, (d) => d.get('serial:CA00000AA'))).toBe(CF_A);
    const racers = await Promise.all(Array.from({ length: 20 }, (_, i) => s.insertNew('serial:CA11111BB', `cf${i}`)));
    expect(racers.filter(Boolean)).toHaveLength(1);
  });

  it('R-CARD-7: put replaces the current card and returns the one it replaced', async () => {
    const s = shard();
    expect(await inShard(s, (d) => d.put(`cf:${CF_A}`, 'CA00000AA'))).toBeNull();
    expect(await inShard(s, (d) => d.put(`cf:${CF_A}`, 'CA00001AA'))).toBe('CA00000AA');
    expect(await inShard(s, (d) => d.get(`cf:${CF_A}`))).toBe('CA00001AA');
  });

  it('R-CARD-5: unknown keys read as null and keys are exact (no case folding here)', async () => {
    const s = shard();
    await inShard(s, (d) => d.claim('email:mario@example.it', CF_A));
    expect(await inShard(s, (d) => d.get('email:Mario@example.it'))).toBeNull();
    expect(await inShard(s, (d) => d.get('nothing'))).toBeNull();
  });
});
