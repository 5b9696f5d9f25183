import v8 from 'node:v8';

/**
 * How far V8 may grow the heap past what is live after each full collection, in percent. By default V8 picks a factor
 * of up to 4× when collections are cheap, which a sync makes them: it allocates fast and keeps little (about 50 MB
 * live), so between full collections the heap filled with garbage up to ~200 MB, and on bench/sync the worker's peak
 * RSS was 300–335 MB for 10 000 to 100 000 versions. At 50% it was 189–204 MB, with sync times within the machine's
 * noise; 25% saved another ~15 MB but made the 100 000-version sync about a third slower (more full collections).
 */
export const HEAP_GROWING_PERCENT = 50;

/** Applies the hub's heap policy to this process; the hub command calls it first thing, benches measuring a worker too. */
export function applyMemoryPolicy(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
