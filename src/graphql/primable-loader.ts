import DataLoader from 'dataloader';

/**
 * A DataLoader whose primed values are also readable at once. A look-ahead page primes a relation for every row it
 * returns; {@link read} hands those back without a promise per field (hundreds per page, each costing graphql-js an
 * asynchronous completion), and anything not primed goes through the ordinary batched `load`.
 */
export class PrimableLoader<K, V> extends DataLoader<K, V> {
  private readonly primed = new Map<K, V>();

  /** Values are kept as they are (no promise made per key until someone calls `load`); promises and errors as DataLoader does. */
  override prime(key: K, value: V | PromiseLike<V> | Error): this {
    if (value instanceof Error || isPromiseLike(value)) return super.prime(key, value);
    if (!this.primed.has(key)) this.primed.set(key, value);
    return this;
  }

  override load(key: K): Promise<V> {
    return this.primed.has(key) ? Promise.resolve(this.primed.get(key) as V) : super.load(key);
  }

  override clear(key: K): this {
    this.primed.delete(key);
    return super.clear(key);
  }

  override clearAll(): this {
    this.primed.clear();
    return super.clearAll();
  }

  /** The primed value itself, else `load(key)`. */
  read(key: K): V | Promise<V> {
    return this.primed.has(key) ? (this.primed.get(key) as V) : super.load(key);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
