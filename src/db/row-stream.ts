import { createRequire } from 'node:module';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { DatabaseHandle } from './client.js';
import { queryRows } from './sql.js';

/**
 * Reads a large result in batches with flat memory, whatever the driver: on PostgreSQL through a server-side cursor
 * (pg-cursor) on a connection of its own, on embedded PGlite (which has no cursor over
 * its single connection) by keyset batches. Consumers see one thing: an async iterator of row batches, each row an
 * array of text values (or null) in select order. Stopping the iteration early (`return()`, as a destroyed stream
 * does) ends the query at the server.
 */
export interface StreamedQuery {
  /** Column expressions, each already rendered to text (`expr::text as "name"`), in output order. */
  columns: readonly SQL[];
  from: SQL;
  where: readonly SQL[];
  /** A unique, non-null key in the FROM's scope: the row order, and the keyset boundary of PGlite's batches. */
  key: { expression: SQL; type: 'uuid' | 'bigint' };
  /** Names the statement in pg_stat_activity (`/* label *\/`) so operators can see what a long read is. */
  label: string;
}

export type RowBatch = Array<Array<string | null>>;

/** application_name of the connections that stream exports (visible in pg_stat_activity). */
export const STREAM_APPLICATION_NAME = 'modelops-hub-export';

const dialect = new PgDialect();

/** The statement a cursor runs, and what PostgreSQL's own COPY is measured against in bench/export.ts. */
export function streamedStatement(query: StreamedQuery): SQL {
  const where = query.where.length ? sql` where ${sql.join([...query.where], sql` and `)}` : sql``;
  return sql`select ${sql.raw(`/* ${query.label.replace(/[^\w:.-]/g, '')} */`)} ${sql.join([...query.columns], sql`, `)} from ${query.from}${where} order by ${query.key.expression}`;
}

/** Compiles drizzle SQL to text and positional parameters for the driver. */
export function compile(statement: SQL): { text: string; params: unknown[] } {
  const { sql: text, params } = dialect.sqlToQuery(statement);
  return { text, params };
}

/** Batches of the query's rows, in key order. */
export function streamRows(database: DatabaseHandle, query: StreamedQuery, options: { batchSize: number }): AsyncGenerator<RowBatch> {
  if (database.kind === 'postgres' && database.url) return cursorBatches(database, database.url, query, options.batchSize);
  return keysetBatches(database, query, options.batchSize);
}

/** The slice of pg-cursor used here (it ships no types). */
interface PgCursor {
  read(rows: number, callback: (error: Error | undefined, rows: unknown[][]) => void): void;
}
type PgCursorClass = new (text: string, values: unknown[], config: { rowMode: 'array' }) => PgCursor;
const Cursor = createRequire(import.meta.url)('pg-cursor') as PgCursorClass;

async function* cursorBatches(database: DatabaseHandle, url: string, query: StreamedQuery, batchSize: number): AsyncGenerator<RowBatch> {
  const { text, params } = compile(streamedStatement(query));
  // A connection of its own: a long download must not hold one of the API's pooled connections, and ending it is
  // how an abandoned export is stopped.
  const client = new pg.Client({ connectionString: url, application_name: STREAM_APPLICATION_NAME });
  client.on('error', () => undefined);
  await client.connect();
  let finished = false;
  try {
    const cursor = client.query(new Cursor(text, params, { rowMode: 'array' }) as never) as unknown as PgCursor;
    for (;;) {
      const rows = await new Promise<unknown[][]>((resolve, reject) => cursor.read(batchSize, (error, batch) => (error ? reject(error) : resolve(batch))));
      if (rows.length === 0) break;
      yield rows as RowBatch;
      if (rows.length < batchSize) break;
    }
    finished = true;
  } finally {
    if (!finished) {
      // The consumer went away (or the read failed) mid-query: cancel what the backend is doing (it may be sorting
      // before its first row, deaf to its socket), then drop the connection.
      const pid = (client as unknown as { processID: number | null }).processID;
      if (pid != null) await queryRows(database.db, sql`select pg_cancel_backend(${pid}::int)`).catch(() => undefined);
    }
    await client.end().catch(() => undefined);
  }
}

async function* keysetBatches(database: DatabaseHandle, query: StreamedQuery, batchSize: number): AsyncGenerator<RowBatch> {
  const cast = sql.raw(query.key.type);
  let boundary: string | null = null;
  for (;;) {
    const where = [...query.where];
    if (boundary !== null) where.push(sql`${query.key.expression} > ${boundary}::${cast}`);
    const statement = sql`select ${sql.join([...query.columns], sql`, `)}, (${query.key.expression})::text as "__key" from ${query.from}
      ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``} order by ${query.key.expression} limit ${batchSize}`;
    const rows = await queryRows<Record<string, string | null>>(database.db, statement);
    if (rows.length === 0) return;
    boundary = rows[rows.length - 1].__key;
    yield rows.map((row) => {
      const values = Object.values(row);
      values.pop();
      return values;
    });
    if (rows.length < batchSize) return;
  }
}
