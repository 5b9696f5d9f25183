import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { syncRunSeen } from '../db/schema/inventory.js';
import { SEEN_COLUMNS } from './sql-names.js';
import type { EntityKind } from './entity-specs.js';

/**
 * External ids a run listed but did not write, per kind, kept in sync_run_seen rather than on the inventory rows so
 * that an unchanged re-sync writes nothing to the inventory tables. Tombstoning treats a record as seen when it is
 * here or when the run logged a change for it.
 */
export async function markSeen(db: Executor, runId: string, seen: ReadonlyArray<{ kind: EntityKind; externalIds: readonly string[] }>): Promise<void> {
  const kinds: string[] = [];
  const ids: string[] = [];
  for (const { kind, externalIds } of seen) {
    for (const id of externalIds) {
      kinds.push(kind);
      ids.push(id);
    }
  }
  if (ids.length === 0) return;
  await db.execute(sql`INSERT INTO ${syncRunSeen} (${SEEN_COLUMNS})
    SELECT ${runId}::uuid, t.kind, t.external_id FROM unnest(${sql.param(kinds)}::text[], ${sql.param(ids)}::text[]) AS t(kind, external_id)
    ON CONFLICT DO NOTHING`);
}

/** Forgets what a run has seen (the run is over, whatever its outcome). */
export async function clearSeen(db: Executor, runId: string): Promise<void> {
  await db.execute(sql`DELETE FROM ${syncRunSeen} WHERE ${syncRunSeen.runId} = ${runId}::uuid`);
}
