import type { SQL } from 'drizzle-orm';
import { pgError } from '../pg-errors.js';
import type { Executor } from './client.js';

/**
 * Runs raw SQL and returns its rows. Both drivers return `{ rows }`, but raw int8/count values differ
 * (string on pg, number on PGlite): cast in SQL (`::int`) or normalise with Number() at the call site.
 */
export async function queryRows<T>(db: Executor, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** True for unique-violation (23505), optionally on a named constraint / index. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pg = pgError(error);
  if (pg?.code !== '23505') return false;
  return constraint === undefined || pg.constraint === constraint || pg.message.includes(constraint);
}

/** The classification lives outside the database layer (the API's error formatter reads it too); repositories find it here. */
export { isConnectionFailure, pgError } from '../pg-errors.js';
