import pg from 'pg';
import { openDatabase } from '../../src/db/client.js';
import { migrate } from '../../src/db/migrate.js';
import { processAlive } from './process-alive.js';
import { TEST_DB_PREFIX, TEST_PG_ADMIN_URL, databaseUrl } from './services.js';

/**
 * Migrates one template database per suite run; each test file clones it (CREATE DATABASE … TEMPLATE), far faster
 * than migrating per file. Teardown drops every database this run created; setup also drops those left behind by
 * runs whose process is gone (killed runs), and never touches a live run's databases.
 */
async function dropDatabases(admin: pg.Client, filter: (name: string) => boolean): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>('select datname from pg_database where datname like $1', [`${TEST_DB_PREFIX}%`]);
  for (const { datname } of rows.filter((row) => filter(row.datname))) {
    await admin.query(`drop database if exists "${datname}" with (force)`);
  }
}

export default async function setup(): Promise<() => Promise<void>> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const prefix = `${TEST_DB_PREFIX}${process.pid}_`;
  process.env.HUB_TEST_RUN_PREFIX = prefix;
  const template = `${prefix}template`;

  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  await dropDatabases(admin, (name) => {
    const pid = Number(/^hub_test_(\d+)_/.exec(name)?.[1]);
    return name.startsWith(prefix) || !pid || !processAlive(pid);
  });
  await admin.query(`create database "${template}"`);
  const handle = await openDatabase({ kind: 'postgres', url: databaseUrl(template), poolSize: 2 });
  await migrate(handle);
  await handle.close();
  await admin.end();

  return async () => {
    const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
    await client.connect();
    await dropDatabases(client, (name) => name.startsWith(prefix));
    await client.end();
  };
}
