/**
 * A per-isolate memo of work that depends only on its key — importing a key, parsing a key set —
 * with at most `limit` entries, the least recently used dropped first. It holds no decisions: its
 * users key it by the full content the work depends on (a secret's value, a JWK set's JSON), so a
 * rotated secret or a re-registered key set is a different key and is never answered from an old
 * entry. What may be refused (a deleted client, a blocked card) is read afresh by the caller every
 * time and never goes through here.
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('BoundedCache: limit must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value for `key`, made by `make` on a miss. A rejected promise is not kept: the next call retries. */
  get(key: K, make: () => V): V {
    if (this.entries.has(key)) {
      const value = this.entries.get(key)!;
      // Map keeps insertion order: moving the entry to the end marks it most recently used.
      this.entries.delete(key);
      this.entries.set(key, value);
      return value;
    }
    const value = make();
    this.entries.set(key, value);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as K);
    if (value instanceof Promise) {
      value.catch(() => {
        if (this.entries.get(key) === value) this.entries.delete(key);
      });
    }
    return value;
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
