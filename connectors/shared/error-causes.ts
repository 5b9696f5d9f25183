/**
 * The one walk down an error's `cause` chain. Drivers and HTTP clients wrap the error that matters (a PostgreSQL code,
 * a socket error, the hub's address refusal) in one or more errors of their own; every "what is behind this error"
 * question goes through here. Lives beside the connectors because they may not import `src/`, while `src/` may import
 * this folder.
 */

/** Links followed at most: far more than any real wrapping, and a guard against a pathological chain. */
const MAX_DEPTH = 16;

/** The error and each cause behind it, outermost first. Stops at a non-object, after MAX_DEPTH links, or on a cycle. */
export function* causeChain(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  let current = error;
  for (let depth = 0; current !== undefined && current !== null && depth <= MAX_DEPTH && !seen.has(current); depth++) {
    yield current;
    seen.add(current);
    if (typeof current !== 'object' && typeof current !== 'function') return;
    current = (current as { cause?: unknown }).cause;
  }
}

/** The outermost link of the chain that `match` accepts, or undefined. */
export function findCause<T>(error: unknown, match: (link: unknown) => link is T): T | undefined;
export function findCause(error: unknown, match: (link: unknown) => boolean): unknown;
export function findCause(error: unknown, match: (link: unknown) => boolean): unknown {
  for (const link of causeChain(error)) if (match(link)) return link;
  return undefined;
}

/** The innermost link of the chain: the error that started it. */
export function rootCause(error: unknown): unknown {
  let last: unknown = error;
  for (const link of causeChain(error)) last = link;
  return last;
}

/** The `code` property of a link, when it is a string (Node's `ECONNREFUSED`, PostgreSQL's SQLSTATE). */
export function codeOf(link: unknown): string | undefined {
  const code = typeof link === 'object' && link !== null ? (link as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}
