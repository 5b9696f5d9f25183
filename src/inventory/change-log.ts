import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { inventoryChanges } from '../db/schema/inventory.js';
import { CHANGE_COLUMNS, bare } from './sql-names.js';
import type { WriteContext } from './types.js';
import type { EntityKind } from './entity-specs.js';

/** What happened to a record, as stored in inventory_changes.change. */
export type ChangeKind = 'CREATED' | 'UPDATED' | 'DELETED' | 'RESTORED';

/** One inventory_changes row to write. */
export interface InventoryChange {
  entityKind: EntityKind;
  entityId: string;
  externalId: string;
  change: ChangeKind;
  /** Normalised field names that differ from what was stored (empty for CREATED and DELETED). */
  changedFields: string[];
}

/** Appends a batch's changes in one statement. Field names contain no commas, so they travel comma-joined. */
export async function appendChanges(db: Executor, ctx: WriteContext, changes: readonly InventoryChange[]): Promise<void> {
  if (changes.length === 0) return;
  await db.execute(sql`INSERT INTO ${inventoryChanges} (${CHANGE_COLUMNS}, ${bare(inventoryChanges.changedFields)})
    SELECT ${ctx.runId}::uuid, ${ctx.sourceId}::uuid, t.kind, t.entity_id, t.external_id, t.change, string_to_array(t.fields, ',')
    FROM unnest(
      ${sql.param(changes.map((c) => c.entityKind))}::text[],
      ${sql.param(changes.map((c) => c.entityId))}::uuid[],
      ${sql.param(changes.map((c) => c.externalId))}::text[],
      ${sql.param(changes.map((c) => c.change))}::text[],
      ${sql.param(changes.map((c) => c.changedFields.join(',')))}::text[]
    ) AS t(kind, entity_id, external_id, change, fields)`);
}
