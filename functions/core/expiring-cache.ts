/**
 * A per-isolate memo whose entries are answered for at most `maxAgeMs` after they were made, with at
 * most `limit` entries (the least recently used dropped first). Unlike BoundedCache it may hold a
 * decision that can change — a relying party's record — so its users say how stale an answer may be
 * and write that bound down where the decision is documented.
 */
export class ExpiringCache<K, V> {
  private readonly entries = new Map<K, { value: V; madeAt: number }>();

  constructor(
    readonly limit: number,
    readonly maxAgeMs: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('ExpiringCache: limit must be a positive integer');
    if (!(maxAgeMs >= 0)) throw new RangeError('ExpiringCache: maxAgeMs must be ≥ 0');
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value for `key` made within maxAgeMs of `now`, else a new one from `make`. A rejected promise is not kept. */
  get(key: K, now: number, make: () => V): V {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      // A clock that went back (another isolate's time, a test's) counts as stale too.
      if (now - entry.madeAt < this.maxAgeMs && now >= entry.madeAt) {
        this.entries.set(key, entry);
        return entry.value;
      }
    }
    const value = make();
    this.entries.set(key, { value, madeAt: now });
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as K);
    if (value instanceof Promise) {
      value.catch(() => {
        if (this.entries.get(key)?.value === value) this.entries.delete(key);
      });
    }
    return value;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
