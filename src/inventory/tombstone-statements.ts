import { sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { queryRows } from '../db/sql.js';
import { ENTITY_SPECS } from './entity-specs.js';
import type { ListingTally } from './deletion-guard.js';
import type { WriteContext } from './types.js';

/** The record was neither written by the run (which logs a change row) nor listed unchanged (the seen set). */
function notSeen(kind: string, runId: string, alias: string): SQL {
  const row = sql.raw(alias);
  return sql`NOT EXISTS (SELECT 1 FROM sync_run_seen s
      WHERE s.run_id = ${runId}::uuid AND s.entity_kind = ${kind} AND s.external_id = ${row}.external_id)
    AND NOT EXISTS (SELECT 1 FROM inventory_changes c WHERE c.entity_id = ${row}.id AND c.run_id = ${runId}::uuid)`;
}

/** Counts what the run saw, what the source had live and what the listing no longer has, in one statement. */
export async function tallyListing(db: Executor, ctx: WriteContext): Promise<ListingTally> {
  const live = ENTITY_SPECS.map((spec) => sql`(SELECT count(*)::int FROM ${sql.raw(`"${spec.table}"`)} r WHERE r.source_id = ${ctx.sourceId}::uuid AND r.deleted_at IS NULL)`);
  const missing = ENTITY_SPECS.map(
    (spec) =>
      sql`(SELECT count(*)::int FROM ${sql.raw(`"${spec.table}"`)} r
        WHERE r.source_id = ${ctx.sourceId}::uuid AND r.deleted_at IS NULL AND ${notSeen(spec.kind, ctx.runId, 'r')})`,
  );
  const [row] = await queryRows<ListingTally>(
    db,
    sql`SELECT (SELECT count(*)::int FROM sync_run_seen WHERE run_id = ${ctx.runId}::uuid)
        + (SELECT count(*)::int FROM inventory_changes WHERE run_id = ${ctx.runId}::uuid) AS "seen",
      ${sql.join(live, sql` + `)} AS "liveBefore",
      ${sql.join(missing, sql` + `)} AS "wouldDelete"`,
  );
  return { seen: Number(row.seen), liveBefore: Number(row.liveBefore), wouldDelete: Number(row.wouldDelete) };
}

/** Tombstones every live record of the source the run did not see and logs a DELETED change for each, in one statement. */
export async function tombstoneUnseen(db: Executor, ctx: WriteContext): Promise<number> {
  const ctes = ENTITY_SPECS.map(
    (spec) => sql`${sql.raw(`gone_${spec.kind}`)} AS (
      UPDATE ${sql.raw(`"${spec.table}"`)} r SET deleted_at = now(), last_changed_at = now()
      WHERE r.source_id = ${ctx.sourceId}::uuid AND r.deleted_at IS NULL AND ${notSeen(spec.kind, ctx.runId, 'r')}
      RETURNING r.id, r.external_id
    )`,
  );
  const gone = ENTITY_SPECS.map((spec) => sql`SELECT ${spec.kind}::text AS kind, id, external_id FROM ${sql.raw(`gone_${spec.kind}`)}`);
  const [row] = await queryRows<{ deleted: number }>(
    db,
    sql`WITH ${sql.join(ctes, sql`, `)},
      logged AS (
        INSERT INTO inventory_changes (run_id, source_id, entity_kind, entity_id, external_id, change)
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
  const rows = await queryRows<{ external_id: string }>(
    db,
    sql`SELECT r.external_id FROM models r WHERE r.source_id = ${ctx.sourceId}::uuid AND r.deleted_at IS NULL AND ${notSeen('model', ctx.runId, 'r')}
      ORDER BY r.external_id LIMIT ${limit}`,
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
  await db.execute(sql`INSERT INTO sync_run_seen (run_id, entity_kind, external_id)
    SELECT ${ctx.runId}::uuid, 'model', m.external_id FROM models m WHERE m.source_id = ${ctx.sourceId}::uuid AND m.external_id = ANY(${ids})
    UNION ALL
    SELECT ${ctx.runId}::uuid, 'version', v.external_id FROM model_versions v WHERE v.source_id = ${ctx.sourceId}::uuid AND v.model_external_id = ANY(${ids})
    UNION ALL
    SELECT ${ctx.runId}::uuid, 'deployment', d.external_id FROM deployments d
      JOIN model_versions v ON v.source_id = d.source_id AND v.external_id = d.version_external_id
      WHERE d.source_id = ${ctx.sourceId}::uuid AND v.model_external_id = ANY(${ids})
    ON CONFLICT DO NOTHING`);
}
