import { describe, expect, it } from 'vitest';
import { DIRECTORY_SHARDS, shardOf } from '../../../functions/platform/directory';

describe('platform/directory: shard choice (R-CARD-5, R-CARD-7)', () => {
  it('R-CARD-5: a key always lands in the same shard (FNV-1a, pinned: changing it would orphan stored keys)', () => {
    expect(DIRECTORY_SHARDS).toBe(16);
    // FNV-1a 32-bit of "a" is 0xe40c292c; 3826002220 % 16 = 12.
    expect(shardOf('a')).toBe(12);
    expect(shardOf('')).toBe(0x811c9dc5 % 16);
    expect(shardOf('cf:RSSMRA85H15H501D')).toBe(1);
    expect(shardOf('serial:CA00000AA')).toBe(9);
    expect(shardOf('phone:+393331234567')).toBe(1);
    expect(shardOf('email:mario.rossi@example.it')).toBe(0);
    for (let i = 0; i < 100; i++) expect(shardOf(`phone:+39333${i}`)).toBe(shardOf(`phone:+39333${i}`));
  });

  it('R-CARD-5: shards are always in range, for any shard count', () => {
    for (const shards of [1, 2, 7, 16, 64]) {
      for (let i = 0; i < 500; i++) {
        const s = shardOf(`k${i}:${'x'.repeat(i % 17)}€`, shards);
        expect(Number.isInteger(s) && s >= 0 && s < shards).toBe(true);
      }
    }
  });

  it('R-CARD-7: keys spread evenly over the shards', () => {
    const counts = new Array<number>(DIRECTORY_SHARDS).fill(0);
    const keys = 32_000;
    for (let i = 0; i < keys; i++) {
      const kind = ['cf:', 'serial:CA', 'phone:+393', 'email:'][i % 4];
      counts[shardOf(`${kind}${String(i).padStart(8, '0')}`)]! += 1;
    }
    const mean = keys / DIRECTORY_SHARDS;
    for (const c of counts) expect(Math.abs(c - mean)).toBeLessThan(mean * 0.1);
  });

  it('R-CARD-5: similar keys do not pile into one shard', () => {
    const shards = new Set(Array.from({ length: 64 }, (_, i) => shardOf(`serial:CA0000${String(i).padStart(2, '0')}AA`)));
    expect(shards.size).toBeGreaterThanOrEqual(12);
  });
});
