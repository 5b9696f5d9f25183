import { childSignal } from './child-signal.js';

/**
 * `fn` over `items` with at most `limit` in flight, results in input order. The first failure aborts the others
 * (their requests stop) and is what the caller sees.
 */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, signal: AbortSignal, fn: (item: T, signal: AbortSignal) => Promise<R>): Promise<R[]> {
  const group = childSignal(signal);
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (next < items.length && failure === null) {
      const index = next++;
      try {
        results[index] = await fn(items[index], group.signal);
      } catch (error) {
        failure ??= { error };
        group.abort(error);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  } finally {
    group.release();
  }
  if (failure !== null) throw (failure as { error: unknown }).error;
  return results;
}
