import { aliasedTable, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { deployments, inventoryChanges, models, modelVersions, syncRunSeen } from '../db/schema/inventory.js';
import { queryRows } from '../db/sql.js';
import { ENTITY_SPECS, type InventoryTable } from './entity-specs.js';
import type { ListingTally } from './deletion-guard.js';
import { CHANGE_COLUMNS, SEEN_COLUMNS, bare } from './sql-names.js';
import type { WriteContext } from './types.js';

const s = aliasedTable(syncRunSeen, 's');
const c = aliasedTable(inventoryChanges, 'c');

/** The record `row` (a table alias) was neither written by the run (which logs a change row) nor listed unchanged (the seen set). */
function notSeen(kind: string, runId: string, row: InventoryTable): SQL {
  return sql`NOT EXISTS (SELECT 1 FROM ${syncRunSeen} ${s}
      WHERE ${s.runId} = ${runId}::uuid AND ${s.entityKind} = ${kind} AND ${s.externalId} = ${row.externalId})
    AND NOT EXISTS (SELECT 1 FROM ${inventoryChanges} ${c} WHERE ${c.entityId} = ${row.id} AND ${c.runId} = ${runId}::uuid)`;
}

/** Live records of the source in `table`, as `<table> r` and the condition on `r`. */
function liveOf(table: InventoryTable, sourceId: string): { from: SQL; r: InventoryTable; live: SQL } {
  const r = aliasedTable(table, 'r');
  return { from: sql`${table} ${r}`, r, live: sql`${r.sourceId} = ${sourceId}::uuid AND ${r.deletedAt} IS NULL` };
}

/** Counts what the run saw, what the source had live and what the listing no longer has, in one statement. */
export async function tallyListing(db: Executor, ctx: WriteContext): Promise<ListingTally> {
  const live = ENTITY_SPECS.map((spec) => {
    const { from, live } = liveOf(spec.table, ctx.sourceId);
    return sql`(SELECT count(*)::int FROM ${from} WHERE ${live})`;
  });
  const missing = ENTITY_SPECS.map((spec) => {
    const { from, r, live } = liveOf(spec.table, ctx.sourceId);
    return sql`(SELECT count(*)::int FROM ${from}
        WHERE ${live} AND ${notSeen(spec.kind, ctx.runId, r)})`;
  });
  const [row] = await queryRows<ListingTally>(
    db,
    sql`SELECT (SELECT count(*)::int FROM ${syncRunSeen} WHERE ${syncRunSeen.runId} = ${ctx.runId}::uuid)
        + (SELECT count(*)::int FROM ${inventoryChanges} WHERE ${inventoryChanges.runId} = ${ctx.runId}::uuid) AS "seen",
      ${sql.join(live, sql` + `)} AS "liveBefore",
      ${sql.join(missing, sql` + `)} AS "wouldDelete"`,
  );
  return { seen: Number(row.seen), liveBefore: Number(row.liveBefore), wouldDelete: Number(row.wouldDelete) };
}

/** Tombstones every live record of the source the run did not see and logs a DELETED change for each, in one statement. */
export async function tombstoneUnseen(db: Executor, ctx: WriteContext): Promise<number> {
  const ctes = ENTITY_SPECS.map((spec) => {
    const { from, r, live } = liveOf(spec.table, ctx.sourceId);
    return sql`${sql.raw(`gone_${spec.kind}`)} AS (
      UPDATE ${from} SET ${bare(spec.table.deletedAt)} = now(), ${bare(spec.table.lastChangedAt)} = now()
      WHERE ${live} AND ${notSeen(spec.kind, ctx.runId, r)}
      RETURNING ${r.id}, ${r.externalId}
    )`;
  });
  const gone = ENTITY_SPECS.map((spec) => sql`SELECT ${spec.kind}::text AS kind, id, external_id FROM ${sql.raw(`gone_${spec.kind}`)}`);
  const [row] = await queryRows<{ deleted: number }>(
    db,
    sql`WITH ${sql.join(ctes, sql`, `)},
      logged AS (
        INSERT INTO ${inventoryChanges} (${CHANGE_COLUMNS})
        SELECT ${ctx.runId}::uuid, ${ctx.sourceId}::uuid, g.kind, g.id, g.external_id, 'DELETED'
        FROM (${sql.join(gone, sql` UNION ALL `)}) g
        RETURNING 1
      )
    SELECT count(*)::int AS deleted FROM logged`,
  );
  return Number(row.deleted);
}

/** Live models of the source the run has not seen, at most `limit`: the candidates a connector may confirm. */
export async function unseenModels(db: Executor, ctx: WriteContext, limit: number): Promise<string[]> {
  const { from, r, live } = liveOf(models, ctx.sourceId);
  const rows = await queryRows<{ external_id: string }>(
    db,
    sql`SELECT ${r.externalId} FROM ${from} WHERE ${live} AND ${notSeen('model', ctx.runId, r)}
      ORDER BY ${r.externalId} LIMIT ${limit}`,
  );
  return rows.map((row) => row.external_id);
}

/**
 * Marks models the vendor still has (though the listing skipped them) as seen, with their versions and those
 * versions' deployments, so the run does not tombstone them; the next listing reads them as usual.
 */
export async function markModelsSeen(db: Executor, ctx: WriteContext, modelExternalIds: readonly string[]): Promise<void> {
  if (modelExternalIds.length === 0) return;
  const ids = sql`${sql.param([...modelExternalIds])}::text[]`;
  const m = aliasedTable(models, 'm');
  const v = aliasedTable(modelVersions, 'v');
  const d = aliasedTable(deployments, 'd');
  await db.execute(sql`INSERT INTO ${syncRunSeen} (${SEEN_COLUMNS})
    SELECT ${ctx.runId}::uuid, 'model', ${m.externalId} FROM ${models} ${m} WHERE ${m.sourceId} = ${ctx.sourceId}::uuid AND ${m.externalId} = ANY(${ids})
    UNION ALL
    SELECT ${ctx.runId}::uuid, 'version', ${v.externalId} FROM ${modelVersions} ${v} WHERE ${v.sourceId} = ${ctx.sourceId}::uuid AND ${v.modelExternalId} = ANY(${ids})
    UNION ALL
    SELECT ${ctx.runId}::uuid, 'deployment', ${d.externalId} FROM ${deployments} ${d}
      JOIN ${modelVersions} ${v} ON ${v.sourceId} = ${d.sourceId} AND ${v.externalId} = ${d.versionExternalId}
      WHERE ${d.sourceId} = ${ctx.sourceId}::uuid AND ${v.modelExternalId} = ANY(${ids})
    ON CONFLICT DO NOTHING`);
}
