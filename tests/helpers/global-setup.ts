import pg from 'pg';
import { openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { TEMPLATE_DB, TEST_DB_PREFIX, TEST_PG_ADMIN_URL, databaseUrl } from './services.js';

/**
 * Migrates one template database per suite run; each test file clones it (CREATE DATABASE … TEMPLATE), which is
 * far faster than migrating per file. Teardown drops every database the suite created.
 */
async function dropSuiteDatabases(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>('select datname from pg_database where datname like $1', [`${TEST_DB_PREFIX}%`]);
  for (const { datname } of rows) await admin.query(`drop database if exists "${datname}" with (force)`);
}

export default async function setup(): Promise<() => Promise<void>> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  await dropSuiteDatabases(admin);
  await admin.query(`create database "${TEMPLATE_DB}"`);
  const handle = await openDatabase({ kind: 'postgres', url: databaseUrl(TEMPLATE_DB), poolSize: 2 });
  await migrate(handle);
  await handle.close();
  await admin.end();

  return async () => {
    const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
    await client.connect();
    await dropSuiteDatabases(client);
    await client.end();
  };
}
