import { codeOf, findCause } from '../connectors/shared/error-causes.js';

/**
 * What a PostgreSQL failure means, read from the error alone (its SQLSTATE, or the socket error behind it): the
 * database layer, the API's error formatter and the routes classify failures without importing the database layer.
 */

/** The PostgreSQL error behind a drizzle error (drizzle 0.45 wraps driver errors in DrizzleQueryError.cause). */
export function pgError(error: unknown): { code?: string; message: string; constraint?: string } | null {
  const found = findCause(error, (link) => /^[0-9A-Z]{5}$/.test(codeOf(link) ?? '')) as { message?: string; constraint?: string } | undefined;
  return found ? { code: codeOf(found), message: found.message ?? '', constraint: found.constraint } : null;
}

/** Class 08 (connection exception), 57P01-03 (admin/crash shutdown, cannot connect now), 53300 (too many connections). */
// Class 08 is "connection exception", except 08P01 (protocol violation): a malformed statement from us, not an outage.
const UNAVAILABLE_PG_CODES = /^(08(?!P01)|57P0[1-3]|53300)/;
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND']);
/**
 * node-postgres' own messages, which carry no code: a pool that cannot connect in time, a socket that closed, and a
 * statement sent to a client whose connection already broke (a transaction's ROLLBACK after the server went away).
 */
const CONNECTION_LOST_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error and is not queryable|Client was closed and is not queryable/;

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
      return typeof message === 'string' && CONNECTION_LOST_MESSAGES.test(message);
    }) !== undefined
  );
}

/**
 * PostgreSQL class 22 (data exception: a NUL byte in text, a number or date out of range, text that is not a number):
 * a value no validator anticipated reached a statement.
 */
export function isDataException(error: unknown): boolean {
  return pgError(error)?.code?.startsWith('22') ?? false;
}
