import type { SQL } from 'drizzle-orm';
import { codeOf, findCause } from '../../connectors/shared/error-causes.js';
import type { Executor } from './client.js';

/**
 * Runs raw SQL and returns its rows. Both drivers return `{ rows }`, but raw int8/count values differ
 * (string on pg, number on PGlite): cast in SQL (`::int`) or normalise with Number() at the call site.
 */
export async function queryRows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** The PostgreSQL error behind a drizzle error (drizzle 0.45 wraps driver errors in DrizzleQueryError.cause). */
export function pgError(error: unknown): { code?: string; message: string; constraint?: string } | null {
  const found = findCause(error, (link) => /^[0-9A-Z]{5}$/.test(codeOf(link) ?? '')) as { message?: string; constraint?: string } | undefined;
  return found ? { code: codeOf(found), message: found.message ?? '', constraint: found.constraint } : null;
}

/** True for unique-violation (23505), optionally on a named constraint / index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pg = pgError(error);
  if (pg?.code !== '23505') return false;
  return constraint === undefined || pg.constraint === constraint || pg.message.includes(constraint);
}

/** Class 08 (connection exception), 57P01-03 (admin/crash shutdown, cannot connect now), 53300 (too many connections). */
// Class 08 is "connection exception", except 08P01 (protocol violation): a malformed statement from us, not an outage.
const UNAVAILABLE_PG_CODES = /^(08(?!P01)|57P0[1-3]|53300)/;
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);

/**
 * True when the error (or one of its causes) says the database is unreachable — down, restarting, refusing
 * connections — rather than the statement being wrong. Such failures are transient: retry later, answer 503.
 */
export function isConnectionFailure(error: unknown): boolean {
  const pg = pgError(error);
  if (pg?.code && UNAVAILABLE_PG_CODES.test(pg.code)) return true;
  return (
    findCause(error, (link) => {
      if (UNAVAILABLE_NODE_CODES.has(codeOf(link) ?? '')) return true;
      const message = (link as { message?: unknown }).message;
      return typeof message === 'string' && /timeout exceeded when trying to connect|Connection terminated/.test(message);
    }) !== undefined
  );
}
