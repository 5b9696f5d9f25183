/**
 * Inventory ingest benchmark (issue 2). Writes 10 000 models × 10 versions + 20 000 deployments through the
 * InventoryWriter into PostgreSQL, then re-syncs with 1% of the records changed, and compares the full write with
 * the floor: a plain `INSERT … SELECT FROM unnest … ON CONFLICT DO UPDATE` of the same rows, in the same batches,
 * into scratch copies of the tables (same columns and indexes), measured in the same run.
 *
 *   node --import @swc-node/register/esm-register bench/ingest.ts
 *
 * DATABASE_URL: use that (migrated) database instead of creating and dropping `hub_bench_<random>`.
 * BENCH_MODELS: number of models (default 10 000; versions and deployments scale with it).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { NormalisedBatch } from '../connectors/contract.js';
import type { DatabaseHandle, Db } from '../src/db/client.js';
import { sources } from '../src/db/schema/index.js';
import { queryRows } from '../src/db/sql.js';
import { prepareBatch, type PreparedBatch } from '../src/inventory/batch-preparation.js';
import type { WriteContext } from '../src/inventory/types.js';
import { WriteRoutes } from '../src/inventory/write-routes.js';
import { InventoryWriter } from '../src/inventory/writer.js';
import { FLOOR_DEFINITION, floorTables } from './lib/floor.js';
import { countChanged, estateBatches, everyNth, type EstateShape } from './lib/inventory-estate.js';
import { emitBenchResult, printFigures, timed } from './lib/report.js';
import { benchDatabase } from './lib/scratch-database.js';

const MODELS = Number(process.env.BENCH_MODELS ?? 10_000);
const SHAPE: EstateShape = { models: MODELS, versionsPerModel: 10, deployments: MODELS * 2, modelsPerBatch: 500 };
const RECORDS = SHAPE.models * (1 + SHAPE.versionsPerModel) + SHAPE.deployments;
const CHANGED = everyNth(0.01);
const INVENTORY_TABLES = ['models', 'model_versions', 'deployments'] as const;

/**
 * The floor and the full write, page by page and interleaved (floor page, then writer page), so that load from
 * anything else on the machine falls on both alike. The floor's ids, parent ids and content hashes are computed
 * outside its timing; the writer computes its own hashes and resolves its own parents inside.
 */
async function measureFloorAndFullWrite(db: Db, writer: InventoryWriter, sourceId: string) {
  const floor = await floorTables(db);
  const ctx = { sourceId, runId: randomUUID() };
  let floorMs = 0;
  let fullMs = 0;
  let created = 0;
  try {
    const writes = pipelinedWrites(writer, ctx, estateBatches(SHAPE));
    for (let step = await writes.next(); !step.done; step = await writes.next()) {
      floorMs += await floor.measure(sourceId, step.value.batch);
      const written = await step.value.write();
      fullMs += written.ms;
      created += written.result.created;
    }
    const finish = await timed(() => writer.finishListing(ctx));
    fullMs += finish.ms;
  } finally {
    await floor.drop();
  }
  return { floorMs, fullMs, created };
}

/**
 * The batches of a run with their timed writes, pipelined as the sync engine does it: while batch N is written, the
 * next batch N+1 is prepared (validation, hashing, encoding), and that work is timed as part of batch N's write. The
 * estate generator (the vendor's side) runs outside the timings.
 */
async function* pipelinedWrites(writer: InventoryWriter, ctx: WriteContext, batches: Iterable<NormalisedBatch>) {
  const iterator = batches[Symbol.iterator]();
  const routes = new WriteRoutes();
  let current = iterator.next();
  if (current.done) return;
  const first = await timed(() => prepareBatch(current.value as NormalisedBatch, routes));
  let prepared: PreparedBatch = first.result;
  let preparationMs = first.ms;
  while (!current.done) {
    const batch: NormalisedBatch = current.value;
    const next = iterator.next();
    yield {
      batch,
      write: async () => {
        const written = await timed(async () => {
          const nextPrepared = next.done ? null : prepareBatch(next.value, routes);
          const result = await writer.writeBatch(ctx, prepared, { routes });
          if (nextPrepared) prepared = await nextPrepared;
          return result;
        });
        const ms = written.ms + preparationMs;
        preparationMs = 0;
        return { ms, result: written.result };
      },
    };
    current = next;
  }
}

/** One sync run through the writer; returns its duration and what the writer reported. */
async function measureRun(writer: InventoryWriter, sourceId: string, changed: typeof CHANGED) {
  const ctx = { sourceId, runId: randomUUID() };
  let ms = 0;
  const totals = { created: 0, updated: 0, unchanged: 0, failed: 0 };
  const writes = pipelinedWrites(writer, ctx, estateBatches(SHAPE, changed));
  for (let step = await writes.next(); !step.done; step = await writes.next()) {
    const { ms: batchMs, result } = await step.value.write();
    ms += batchMs;
    totals.created += result.created;
    totals.updated += result.updated;
    totals.unchanged += result.unchanged;
    totals.failed += result.failed;
  }
  const finish = await timed(() => writer.finishListing(ctx));
  return { ms: ms + finish.ms, totals, tombstones: finish.result };
}

/** Inserted + updated tuples per table; the one-connection pool lets the flush cover every statement the writer ran. */
async function tupleCounts(handle: DatabaseHandle): Promise<Record<string, number>> {
  await handle.db.execute(sql`select pg_stat_force_next_flush()`);
  const rows = await queryRows<{ relname: string; n: number }>(
    handle.db,
    sql`select relname, (n_tup_ins + n_tup_upd)::int as n from pg_stat_user_tables
        where relname in ('models', 'model_versions', 'deployments', 'inventory_changes')`,
  );
  return Object.fromEntries(rows.map((row) => [row.relname, Number(row.n)]));
}

async function main(): Promise<void> {
  const database = await benchDatabase();
  // One connection: the sync engine writes a source's batches one after another.
  const handle = await database.open(1);
  try {
    const [source] = await handle.db.insert(sources).values({ vendor: 'mlflow', name: `bench-${randomUUID()}` }).returning({ id: sources.id });
    const changedCount = countChanged(SHAPE, CHANGED);
    console.log(`ingest bench: ${SHAPE.models} models, ${SHAPE.models * SHAPE.versionsPerModel} versions, ${SHAPE.deployments} deployments (${RECORDS} records), ${SHAPE.modelsPerBatch} models per batch`);
    console.log(`floor definition: ${FLOOR_DEFINITION}`);

    const writer = new InventoryWriter(handle.db);
    const { floorMs, fullMs, created } = await measureFloorAndFullWrite(handle.db, writer, source.id);
    console.log(`floor: ${(floorMs / 1000).toFixed(1)} s, full write: ${(fullMs / 1000).toFixed(1)} s`);
    // What autovacuum would have done by the next scheduled sync; keeps the re-sync's plans realistic.
    await handle.db.execute(sql.raw(`VACUUM ANALYZE ${[...INVENTORY_TABLES, 'inventory_changes', 'sync_run_seen'].join(', ')}`));

    const before = await tupleCounts(handle);
    const resync = await measureRun(writer, source.id, CHANGED);
    const after = await tupleCounts(handle);
    console.log(`re-sync: ${(resync.ms / 1000).toFixed(1)} s`, resync.totals, resync.tombstones.decision);

    const rowsWritten = INVENTORY_TABLES.reduce((sum, table) => sum + (after[table] - before[table]), 0);
    const changesLogged = after.inventory_changes - before.inventory_changes;
    const floorRate = RECORDS / (floorMs / 1000);
    const fullRate = RECORDS / (fullMs / 1000);
    const verdicts = printFigures('inventory ingest', [
      { name: 'floor (plain unnest upsert)', value: floorRate, unit: 'rows/s' },
      { name: 'full write through writer', value: fullRate, unit: 'rows/s' },
      { name: 'full / floor', value: fullRate / floorRate, target: { op: '>=', value: 0.75 } },
      { name: 're-sync (1% changed)', value: RECORDS / (resync.ms / 1000), unit: 'rows/s' },
      { name: 're-sync time / full time', value: resync.ms / fullMs, target: { op: '<=', value: 0.6 } },
      { name: 'rows written on re-sync', value: rowsWritten, target: { op: '==', value: changedCount } },
      { name: 'changes logged on re-sync', value: changesLogged, target: { op: '==', value: changedCount } },
      { name: 'full write records created', value: created, target: { op: '==', value: RECORDS } },
    ]);
    emitBenchResult('ingest', verdicts, {
      records: RECORDS,
      changed: changedCount,
      floorMs: Math.round(floorMs),
      fullMs: Math.round(fullMs),
      resyncMs: Math.round(resync.ms),
    });
    if (verdicts.some((v) => v.pass === false)) process.exitCode = 1;
  } finally {
    await handle.close();
    await database.dispose();
  }
}

await main();
