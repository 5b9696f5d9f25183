/**
 * A connection dies under the hub (an administrator terminates its backend, as a restart or failover does to every
 * connection). The process survives, the failure reads as "database unavailable" (503 to the API, retry to sync),
 * never as an internal error, and the pool carries on with a fresh connection.
 */
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Executor } from '../../../src/db/client.js';
import { queryRows } from '../../../src/db/sql.js';
import { isConnectionFailure } from '../../../src/pg-errors.js';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { TEST_PG_ADMIN_URL } from '../../helpers/services.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createPostgresTestDatabase({ migrated: false });
});
afterAll(async () => {
  await database?.drop();
});

async function terminateBackend(pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query('select pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}

async function backendPid(db: Executor): Promise<number> {
  const [row] = await queryRows<{ pid: number }>(db, sql`select pg_backend_pid() as pid`);
  return Number(row.pid);
}

/** Lets the terminated backend's goodbye reach the client before the next statement. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe('a database connection lost mid-transaction', () => {
  it('should fail the transaction as a connection failure, without an uncaught error, and serve the next query', async () => {
    const { db } = database.handle;
    const failure = await db
      .transaction(async (tx) => {
        await terminateBackend(await backendPid(tx));
        await settle();
        await tx.execute(sql`select 1`);
      })
      .then(
        () => null,
        (error: unknown) => error,
      );

    expect(failure).toBeInstanceOf(Error);
    // drizzle reports the failed ROLLBACK, whose cause is node-postgres' "not queryable": an outage, not a bug.
    expect(isConnectionFailure(failure)).toBe(true);
    expect(await queryRows(db, sql`select 41 + 1 as answer`)).toEqual([{ answer: 42 }]);
  });

  it('should fail a statement on a terminated idle connection as a connection failure and then recover', async () => {
    const { db } = database.handle;
    const pids = await Promise.all([1, 2, 3].map(() => backendPid(db)));
    await Promise.all([...new Set(pids)].map(terminateBackend));
    await settle();

    expect(await queryRows(db, sql`select 'still here' as answer`)).toEqual([{ answer: 'still here' }]);
  });
});
