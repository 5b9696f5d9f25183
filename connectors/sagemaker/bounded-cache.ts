/**
 * Insertion-ordered cache of pending lookups that forgets its oldest entry past `limit`, so a run's memory stays
 * bounded however many endpoint configs or models it meets. A failed lookup is not kept: the next caller retries it.
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, Promise<V>>();

  constructor(private readonly limit: number) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    return this.peek(key) ?? this.set(key, load());
  }

  /** The lookup cached for `key`, if any. */
  peek(key: string): Promise<V> | undefined {
    return this.entries.get(key);
  }

  /** Caches `pending` under `key` and returns it. */
  set(key: string, pending: Promise<V>): Promise<V> {
    pending.catch(() => {
      if (this.entries.get(key) === pending) this.entries.delete(key);
    });
    this.entries.set(key, pending);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
    return pending;
  }
}
