import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { TEST_PG_ADMIN_URL, databaseUrl, runPrefix, templateDatabase } from './services.js';

export interface TestDatabase {
  handle: DatabaseHandle;
  /** Connection URL (PostgreSQL only), for child processes. */
  url: string | null;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh PostgreSQL database; `drop()` removes it. Migrated (cloned from the suite's template) unless `migrated:
 * false`, for tests that run the migrations themselves.
 */
export async function createPostgresTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `${runPrefix()}${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(options.migrated === false ? `create database "${name}"` : `create database "${name}" template "${templateDatabase()}"`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(name);
  const handle = await openDatabase({ kind: 'postgres', url, poolSize: 5 });
  return {
    handle,
    url,
    name,
    drop: async () => {
      await handle.close();
      const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
      await client.connect();
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.end();
    },
  };
}

/** A fresh in-memory PGlite database, migrated. */
export async function createPgliteTestDatabase(): Promise<TestDatabase> {
  const handle = await openDatabase({ kind: 'pglite', dataDir: 'memory://' });
  await migrate(handle);
  return { handle, url: null, name: 'pglite', drop: () => handle.close() };
}

/** Both drivers, for suites that must behave identically on PostgreSQL and PGlite. */
export const DRIVERS = [
  ['postgres', createPostgresTestDatabase],
  ['pglite', createPgliteTestDatabase],
] as const;
