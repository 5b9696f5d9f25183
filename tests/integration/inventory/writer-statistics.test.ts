/**
 * The issue's literal criterion on PostgreSQL: an unchanged re-sync leaves the inventory tables' n_tup_ins and
 * n_tup_upd untouched. The writer gets a one-connection pool so every statement runs in one backend, whose pending
 * statistics `pg_stat_force_next_flush()` publishes before the counters are read.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../../src/db/client.js';
import { sources } from '../../../src/db/schema/index.js';
import { queryRows } from '../../../src/db/sql.js';
import { prepareBatch } from '../../../src/inventory/batch-preparation.js';
import { InventoryWriter } from '../../../src/inventory/writer.js';
import { createPostgresTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { anEstate } from './inventory-records.js';

describe('InventoryWriter on postgres', () => {
  let database: TestDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    database = await createPostgresTestDatabase();
    handle = await openDatabase({ kind: 'postgres', url: database.url!, poolSize: 1 });
  });
  afterAll(async () => {
    await handle.close();
    await database.drop();
  });

  async function tupleCounts(): Promise<Array<{ relname: string; ins: number; upd: number }>> {
    await handle.db.execute(sql`select pg_stat_force_next_flush()`);
    return queryRows(
      handle.db,
      sql`select relname, n_tup_ins::int as ins, n_tup_upd::int as upd from pg_stat_user_tables
          where relname in ('models', 'model_versions', 'deployments', 'inventory_changes') order by relname`,
    );
  }

  describe('writeBatch', () => {
    it('should leave n_tup_ins and n_tup_upd of the inventory tables untouched on an unchanged re-sync', async () => {
      const writer = new InventoryWriter(handle.db);
      const [source] = await handle.db.insert(sources).values({ vendor: 'datarobot', name: 'stats' }).returning({ id: sources.id });
      const first = { sourceId: source.id, runId: randomUUID() };
      await writer.writeBatch(first, await prepareBatch(anEstate(5)));
      await writer.finishListing(first);
      const before = await tupleCounts();
      expect(before.find((row) => row.relname === 'inventory_changes')?.ins).toBe(15);

      const again = { sourceId: source.id, runId: randomUUID() };
      await writer.writeBatch(again, await prepareBatch(anEstate(5)));
      await writer.finishListing(again);

      expect(await tupleCounts()).toEqual(before);
    });
  });
});
