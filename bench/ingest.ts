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
import { sql, type SQL } from 'drizzle-orm';
import type { NormalisedBatch, NormalisedRecordBase } from '../connectors/contract.js';
import type { DatabaseHandle, Db } from '../src/db/client.js';
import { sources } from '../src/db/schema/index.js';
import { queryRows } from '../src/db/sql.js';
import { contentHash } from '../src/inventory/content-hash.js';
import { ENTITY_SPECS, type EntitySpec } from '../src/inventory/entity-specs.js';
import { InventoryWriter } from '../src/inventory/writer.js';
import { countChanged, estateBatches, everyNth, type EstateShape } from './lib/inventory-estate.js';
import { emitBenchResult, printFigures, timed } from './lib/report.js';
import { benchDatabase } from './lib/scratch-database.js';

const MODELS = Number(process.env.BENCH_MODELS ?? 10_000);
const SHAPE: EstateShape = { models: MODELS, versionsPerModel: 10, deployments: MODELS * 2, modelsPerBatch: 500 };
const RECORDS = SHAPE.models * (1 + SHAPE.versionsPerModel) + SHAPE.deployments;
const CHANGED = everyNth(0.01);
const INVENTORY_TABLES = ['models', 'model_versions', 'deployments'] as const;

const ARRAY_TYPE = { text: 'text[]', jsonb: 'text[]', timestamptz: 'text[]', int: 'int4[]', real: 'float4[]', boolean: 'bool[]' } as const;

/** One page of the floor: the records of one kind, with the ids, parent ids and hashes computed outside its timing. */
interface FloorPage<R> {
  spec: EntitySpec<R>;
  records: readonly R[];
  ids: readonly string[];
  /** The parent's floor id per record (null for models and unknown parents), so rows carry the same links. */
  links: readonly (string | null)[];
  hashes: readonly string[];
}

/**
 * The floor's statement: the same rows, columns and arrays as the writer (ids and resolved parent ids included, so
 * rows land in the same indexes: a child with a link is not in the partial `*_unresolved_idx`), nothing else: no
 * parent lookup, no change log, no foreign keys.
 */
function floorUpsert<R extends NormalisedRecordBase>(sourceId: string, page: FloorPage<R>): SQL {
  const { spec, records, hashes } = page;
  const table = sql.raw(`bench_floor_${spec.table}`);
  const names = [...spec.columns.map((c) => `"${c.column}"`), ...(spec.parent ? [`"${spec.parent.linkColumn}"`] : [])];
  const arrays = spec.columns.map((column) => {
    const values = records.map((record) => {
      const value = column.read(record);
      if (value === null || value === undefined) return null;
      if (column.type === 'jsonb') return JSON.stringify(value);
      if (column.type === 'timestamptz') return (value as Date).toISOString();
      return value as string | number | boolean;
    });
    return sql`${sql.param(values)}::${sql.raw(ARRAY_TYPE[column.type])}`;
  });
  if (spec.parent) arrays.push(sql`${sql.param(page.links)}::uuid[]`);
  const typed = [
    ...spec.columns.map((c) => (c.type === 'jsonb' ? `t."${c.column}"::jsonb` : c.type === 'timestamptz' ? `t."${c.column}"::timestamptz` : `t."${c.column}"`)),
    ...(spec.parent ? [`t."${spec.parent.linkColumn}"`] : []),
  ];
  return sql`INSERT INTO ${table} (id, source_id, external_id, content_hash, ${sql.raw(names.join(', '))})
    SELECT t.id, ${sourceId}::uuid, t.external_id, t.content_hash, ${sql.raw(typed.join(', '))}
    FROM unnest(${sql.param(page.ids)}::uuid[], ${sql.param(records.map((r) => r.externalId))}::text[], ${sql.param(hashes)}::text[], ${sql.join(arrays, sql`, `)})
      AS t(id, external_id, content_hash, ${sql.raw(names.join(', '))})
    ON CONFLICT (source_id, external_id) DO UPDATE SET content_hash = excluded.content_hash,
      ${sql.raw(names.map((n) => `${n} = excluded.${n}`).join(', '))}
    WHERE ${table}.content_hash IS DISTINCT FROM excluded.content_hash`;
}

function recordsOf(batch: NormalisedBatch, spec: EntitySpec<never>): NormalisedRecordBase[] {
  return spec.kind === 'model' ? batch.models : spec.kind === 'version' ? batch.versions : batch.deployments;
}

/** The external id of the parent a record names (null for models). */
function parentExternalId(spec: EntitySpec<never>, record: NormalisedRecordBase): string | null {
  const column = spec.parent && spec.columns.find((c) => c.column === spec.parent!.externalIdColumn);
  return column ? ((column.read(record as never) as string | null) ?? null) : null;
}

/**
 * The floor and the full write, page by page and interleaved (floor page, then writer page), so that load from
 * anything else on the machine falls on both alike. The floor's ids, parent ids and content hashes are computed
 * outside its timing; the writer computes its own hashes and resolves its own parents inside.
 */
async function measureFloorAndFullWrite(db: Db, writer: InventoryWriter, sourceId: string) {
  for (const spec of ENTITY_SPECS) {
    await db.execute(sql.raw(`CREATE TABLE bench_floor_${spec.table} (LIKE "${spec.table}" INCLUDING ALL)`));
  }
  const ctx = { sourceId, runId: randomUUID() };
  let floorMs = 0;
  let fullMs = 0;
  let created = 0;
  const floorIds = new Map<string, string>(); // `${kind}:${externalId}` -> id
  for (const batch of estateBatches(SHAPE)) {
    const pages = ENTITY_SPECS.map((spec): FloorPage<NormalisedRecordBase> => {
      const records = recordsOf(batch, spec as EntitySpec<never>);
      const ids = records.map((record) => {
        const id = randomUUID();
        floorIds.set(`${spec.kind}:${record.externalId}`, id);
        return id;
      });
      const parentKind = spec.kind === 'version' ? 'model' : 'version';
      const links = records.map((record) => {
        const parent = parentExternalId(spec as EntitySpec<never>, record);
        return parent === null ? null : (floorIds.get(`${parentKind}:${parent}`) ?? null);
      });
      return { spec: spec as EntitySpec<NormalisedRecordBase>, records, ids, links, hashes: records.map((record) => contentHash(spec.kind, record)) };
    });
    floorMs += (
      await timed(() =>
        db.transaction(async (tx) => {
          for (const page of pages) await tx.execute(floorUpsert(sourceId, page));
        }),
      )
    ).ms;
    const written = await timed(() => writer.writeBatch(ctx, batch));
    fullMs += written.ms;
    created += written.result.created;
  }
  const finish = await timed(() => writer.finishListing(ctx));
  fullMs += finish.ms;
  for (const spec of ENTITY_SPECS) await db.execute(sql.raw(`DROP TABLE bench_floor_${spec.table}`));
  return { floorMs, fullMs, created };
}

/** One sync run through the writer; returns its duration and what the writer reported. */
async function measureRun(writer: InventoryWriter, sourceId: string, changed: typeof CHANGED) {
  const ctx = { sourceId, runId: randomUUID() };
  let ms = 0;
  const totals = { created: 0, updated: 0, unchanged: 0, failed: 0 };
  for (const batch of estateBatches(SHAPE, changed)) {
    const { ms: batchMs, result } = await timed(() => writer.writeBatch(ctx, batch));
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
    console.log(
      'floor definition: the same rows and columns (ids and parent links included) into copies of the tables with the same indexes ' +
        '(unique natural key included) but no foreign keys; the writer also pays foreign-key checks, parent lookups, ' +
        'content hashing and one inventory_changes row per record',
    );

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
