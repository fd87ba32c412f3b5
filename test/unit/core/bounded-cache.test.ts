import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../../functions/core/bounded-cache';

describe('BoundedCache: per-isolate memo with a bound', () => {
  it('makes a value once per key and answers later calls from memory', () => {
    const cache = new BoundedCache<string, object>(4);
    let made = 0;
    const make = () => ({ n: ++made });
    const first = cache.get('a', make);
    expect(cache.get('a', make)).toBe(first);
    expect(made).toBe(1);
    expect(cache.get('b', make)).not.toBe(first);
    expect(made).toBe(2);
  });

  it('never holds more than its limit: the least recently used entry goes first', () => {
    const cache = new BoundedCache<number, number>(3);
    for (const k of [1, 2, 3]) cache.get(k, () => k);
    cache.get(1, () => -1); // 1 is now the most recently used
    cache.get(4, () => 4);
    expect(cache.size).toBe(3);
    expect(cache.has(2)).toBe(false);
    expect([1, 3, 4].every((k) => cache.has(k))).toBe(true);
    for (let k = 10; k < 1000; k++) cache.get(k, () => k);
    expect(cache.size).toBe(3);
  });

  it('does not keep a failed (rejected) promise: the next call makes it again', async () => {
    const cache = new BoundedCache<string, Promise<number>>(2);
    const failed = cache.get('k', () => Promise.reject(new Error('boom')));
    await expect(failed).rejects.toThrow('boom');
    expect(cache.has('k')).toBe(false);
    expect(await cache.get('k', () => Promise.resolve(7))).toBe(7);
    expect(await cache.get('k', () => Promise.resolve(8))).toBe(7);
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new BoundedCache(0)).toThrow(RangeError);
    expect(() => new BoundedCache(1.5)).toThrow(RangeError);
  });
});
